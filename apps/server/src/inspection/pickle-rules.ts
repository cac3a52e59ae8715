// Which imported globals a pickle may name: allow-listed → safe, deny-listed (known code execution) → dangerous,
// anything else → suspicious. Bump SCANNER_VERSION when these lists or the parsers change: stored results of an
// older version are inspected again.

export const SCANNER_VERSION = 1

/** Modules whose every member (and submodule) runs code, touches the system or the network. */
const dangerousModules = [
  'os',
  'posix',
  'nt',
  'sys',
  'subprocess',
  'socket',
  'runpy',
  'shutil',
  'pty',
  'pdb',
  'bdb',
  'pickle',
  '_pickle',
  'asyncio',
  'ctypes',
  'ssl',
  'pip',
  'venv',
  'timeit',
  'profile',
  'cProfile',
  'pydoc',
  'commands',
  'webbrowser',
  'httplib',
  'http.client',
  'requests',
  'aiohttp',
  'urllib.request',
  'importlib',
  'code',
  'codeop',
  'marshal',
  'multiprocessing',
  'signal',
  'numpy.f2py',
  'numpy.testing._private.utils',
  'distutils.file_util',
  '_osx_support',
  '_aix_support',
  '_pyrepl',
]

/** Single names that execute code or resolve arbitrary attributes. */
const dangerousNames = new Set([
  'builtins.eval',
  'builtins.exec',
  'builtins.compile',
  'builtins.getattr',
  'builtins.setattr',
  'builtins.delattr',
  'builtins.apply',
  'builtins.open',
  'builtins.breakpoint',
  'builtins.__import__',
  'builtins.globals',
  'builtins.locals',
  'builtins.vars',
  'builtins.input',
  'functools.partial',
  'functools.reduce',
  'operator.attrgetter',
  'operator.itemgetter',
  'operator.methodcaller',
  '_operator.attrgetter',
  '_operator.itemgetter',
  '_operator.methodcaller',
  'types.CodeType',
  'types.FunctionType',
  'logging.FileHandler',
  '_io.FileIO',
  'io.FileIO',
  'pkgutil.resolve_name',
  'doctest.debug_script',
  'ensurepip._run_pip',
  'imaplib.IMAP4_stream',
  'torch.serialization.load',
  'torch.load',
  'torch._inductor.codecache.compile_file',
  'torch.jit.unsupported_tensor_ops.execWrapper',
  'torch.utils.collect_env.run',
])
const dangerousPrefixes = [
  'cloudpickle.cloudpickle._',
  'trace.Trace.',
  'idlelib.',
  'lib2to3.',
  'torch._dynamo.',
  'torch.fx.experimental.',
]

const torchStorages = [
  'Long',
  'Float',
  'Half',
  'Double',
  'BFloat16',
  'Bool',
  'Char',
  'Short',
  'Int',
  'Byte',
  'ComplexFloat',
  'ComplexDouble',
  'QInt8',
  'QUInt8',
  'QInt32',
  'QUInt4x2',
  'QUInt2x4',
].map((t) => `torch.${t}Storage`)
const torchDtypes = [
  'float32',
  'float',
  'float64',
  'double',
  'float16',
  'half',
  'bfloat16',
  'uint8',
  'int8',
  'int16',
  'short',
  'int32',
  'int',
  'int64',
  'long',
  'bool',
  'complex64',
  'complex128',
  'float8_e4m3fn',
  'float8_e5m2',
].map((t) => `torch.${t}`)

const safeNames = new Set([
  'collections.OrderedDict',
  'collections.Counter',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor_v3',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._utils._rebuild_qtensor',
  'torch._utils._rebuild_sparse_tensor',
  'torch._utils._rebuild_meta_tensor_no_storage',
  'torch._utils._rebuild_wrapper_subclass',
  'torch._utils._rebuild_device_tensor_from_numpy',
  'torch._tensor._rebuild_from_type_v2',
  'torch.nn.parameter.Parameter',
  'torch.Size',
  'torch.Tensor',
  'torch.device',
  'torch.storage.UntypedStorage',
  'torch.serialization._get_layout',
  'torch.per_tensor_affine',
  'torch.per_channel_affine',
  'numpy.dtype',
  'numpy.ndarray',
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar',
  '_codecs.encode',
  'builtins.set',
  'builtins.frozenset',
  'builtins.bytearray',
  'builtins.complex',
  'builtins.slice',
  ...torchStorages,
  ...torchDtypes,
])

export type GlobalClass = 'safe' | 'dangerous' | 'suspicious'

/** `__builtin__` (Python 2) is `builtins`. */
export function normaliseGlobal(module: string, name: string): string {
  const mod = module === '__builtin__' ? 'builtins' : module
  return `${mod}.${name}`
}

export function classifyGlobal(module: string, name: string): GlobalClass {
  const mod = module === '__builtin__' ? 'builtins' : module
  const full = `${mod}.${name}`
  if (dangerousModules.some((m) => mod === m || mod.startsWith(`${m}.`))) return 'dangerous'
  if (dangerousNames.has(full) || dangerousPrefixes.some((p) => full.startsWith(p))) return 'dangerous'
  // A dotted name is an attribute chain (STACK_GLOBAL resolves "a.b" by getattr): judge each step.
  if (name.includes('.') && name.split('.').some((part) => dangerousNames.has(`${mod}.${part}`))) return 'dangerous'
  if (safeNames.has(full)) return 'safe'
  return 'suspicious'
}
