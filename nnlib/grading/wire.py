"""What travels between the grader and a learner's kernel, and the kernel's side of a call.

Both ways a value is JSON text: numbers, strings, lists, ``None`` and booleans as themselves;
tuples, dicts, non-finite floats, NumPy arrays and scalars, random generators, watched arrays
(:class:`WatchedRows`, with the rows taken from them so far), references to nnlib or NumPy
functions and objects kept in the kernel (:class:`Handle`) as one-key objects
(``{"__ndarray__": ...}``). Arrays travel as
``np.save(..., allow_pickle=False)`` bytes in base64, numbers or strings only. Nothing is ever
unpickled, and anything else is refused with :class:`WireError`, so the kernel cannot send the
grader an object that runs code when it is read.

The grader runs :func:`serve` in the kernel by sending this module's source with each call (it
imports nothing but the standard library and NumPy). ``serve`` calls the learner's function
with NumPy's error state at its defaults (whatever the notebook set) and every warning
recorded, watches with ``sys.setprofile`` which nnlib functions run, and publishes a reply
(:data:`MIME`).
"""

import base64
import io
import json
import math

import numpy as np

MIME = "application/x-nnlib-grading-reply"
MAX_ARRAY_BYTES = 256 * 2**20  # the largest array accepted: 256 MiB
GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
FUNCTION_MODULES = ("nnlib", "numpy")
KINDS = "biufcUS"  # the array kinds that travel: numbers and strings, never objects


class WireError(TypeError):
    """A value that cannot travel between the grader and a kernel."""


def _array_text(array):
    if array.dtype.kind not in KINDS or array.dtype.fields is not None:
        raise WireError(f"an array of dtype {array.dtype} cannot be sent; expected numbers "
                        "(bool, int, uint, float, complex) or strings.")
    if array.nbytes > MAX_ARRAY_BYTES:
        raise WireError(f"an array of {array.nbytes} bytes is larger than the limit of "
                        f"{MAX_ARRAY_BYTES} bytes.")
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _text_array(text):
    if not isinstance(text, str) or len(text) > MAX_ARRAY_BYTES * 4 // 3 + 1024:
        raise WireError("an array must arrive as base64 text within the size limit.")
    try:
        array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except (ValueError, TypeError, OSError, EOFError) as error:  # pickled, damaged or not npy
        raise WireError(f"an array was refused: {error}") from None
    if array.dtype.kind not in KINDS or array.dtype.fields is not None:
        raise WireError(f"an array of dtype {array.dtype} was refused; expected numbers "
                        "or strings.")
    return array


def taken_rows(index, m):
    """The rows an index takes from an array of ``m`` rows: an int array, or ``"slice"`` for
    rows taken in their stored order."""
    first = index[0] if isinstance(index, tuple) else index
    if isinstance(first, slice):
        return "slice" if first != slice(None) else np.arange(m)
    first = np.asarray(first)
    if first.dtype == bool:
        return np.flatnonzero(first)
    return first.ravel().astype(np.int64) % max(m, 1)


class WatchedRows(np.ndarray):
    """An array that writes down which rows are taken from it, in ``rows``: one entry per
    indexing (see :func:`taken_rows`). What is taken is a plain array. It travels with its
    log, and the log comes back, so a check can watch a function that runs in the kernel."""

    def __getitem__(self, index):
        result = super().__getitem__(index)
        log = self.__dict__.get("rows")
        if log is not None:
            log.append(taken_rows(index, len(self)))
        return result.view(np.ndarray) if isinstance(result, np.ndarray) else result


def watched(array, rows=None):
    """``array`` as a :class:`WatchedRows` view whose log is ``rows`` (default: empty)."""
    view = np.asarray(array).view(WatchedRows)
    view.rows = [] if rows is None else rows
    return view


class Handle:
    """The grader's side of an object that stays in the kernel: an instance of a class the
    learner wrote (lesson 05's ``Value``). It travels as its number, ``object_id``; the
    kernel keeps the object itself (see :func:`serve`)."""

    __slots__ = ("object_id",)


# What a grader's request may do with a kept object besides calling its methods: the
# functions of the operator module that its stand-in's +, -, *, /, ** and unary - call.
OPERATORS = ("add", "sub", "mul", "truediv", "pow", "neg", "pos")


def function_name(function):
    """``"module:qualname"`` of an nnlib or NumPy function, else :class:`WireError`."""
    module = getattr(function, "__module__", None) or ""
    qualname = getattr(function, "__qualname__", None) or getattr(function, "__name__", None)
    if module.split(".")[0] not in FUNCTION_MODULES or not qualname or "<" in qualname:
        raise WireError(f"only nnlib and NumPy functions can be sent by name, got {function!r}.")
    return f"{module}:{qualname}"


def function_names(value):
    """The ``"module:qualname"`` names of the nnlib or NumPy functions inside ``value``."""
    if isinstance(value, (list, tuple)):
        return set().union(*map(function_names, value)) if value else set()
    if isinstance(value, dict):
        return function_names(list(value.values()))
    if callable(value) and not isinstance(value, (type, np.random.Generator)):
        try:
            return {function_name(value)}
        except WireError:
            return set()
    return set()


def named_function(name):
    """The nnlib or NumPy function ``"module:qualname"`` names, else :class:`WireError`."""
    import importlib

    module, _, qualname = str(name).partition(":")
    if module.split(".")[0] not in FUNCTION_MODULES or not qualname:
        raise WireError(f"refused a function reference {name!r}: expected 'nnlib...:name'.")
    value = importlib.import_module(module)
    for part in qualname.split("."):
        value = getattr(value, part)
    if not callable(value):
        raise WireError(f"{name!r} is not a function.")
    return value


def encode(value, functions=True):
    """``value`` as JSON-ready data (see the module docstring); ``functions``: whether nnlib or
    NumPy functions may be sent by name. Raises :class:`WireError` for anything else."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Handle):
        return {"__object__": value.object_id}
    if isinstance(value, int) and not isinstance(value, np.integer):
        return value
    if isinstance(value, float) and not isinstance(value, np.floating):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, WatchedRows):
        rows = [r if isinstance(r, str) else np.asarray(r, dtype=np.int64)
                for r in value.__dict__.get("rows") or []]
        return {"__watched__": [encode(value.view(np.ndarray)), encode(rows)]}
    if isinstance(value, np.ndarray):
        return {"__ndarray__": _array_text(value)}
    if isinstance(value, np.generic):
        return {"__scalar__": _array_text(np.asarray(value))}
    if isinstance(value, list):
        return [encode(v, functions) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, functions) for v in value]}
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise WireError(f"dict keys must be strings or integers, got {key!r}.")
        return {"__dict__": [[k, encode(v, functions)] for k, v in value.items()]}
    if isinstance(value, np.random.Generator):
        state = value.bit_generator.state
        if state.get("bit_generator") not in GENERATORS:
            raise WireError(f"unsupported bit generator {state.get('bit_generator')!r}.")
        return {"__generator__": encode(state, functions=False)}
    if functions and callable(value):
        return {"__function__": function_name(value)}
    raise WireError(f"a {type(value).__name__} cannot be sent; expected numbers, strings, "
                    "lists, tuples, dicts, NumPy arrays, random generators or nnlib functions.")


def decode(data, functions=True, objects=None):
    """The value :func:`encode` gave ``data`` for; raises :class:`WireError` on anything
    unexpected (``functions``: whether function references are accepted; ``objects``: a
    function from an object's number to the object (in the kernel) or to its handle (in the
    grader), or ``None`` to refuse objects)."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, functions, objects) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError(f"unexpected data {str(data)[:80]!r}.")
    (tag, content), = data.items()
    if tag == "__float__" and content in ("nan", "inf", "-inf"):
        return float(content)
    if tag == "__ndarray__":
        return _text_array(content)
    if tag == "__scalar__":
        array = _text_array(content)
        if array.shape != ():
            raise WireError("a scalar must have shape ().")
        return array[()]
    if tag == "__watched__" and isinstance(content, list) and len(content) == 2:
        array, rows = decode(content[0], False), decode(content[1], False)
        if not isinstance(array, np.ndarray) or not isinstance(rows, list) or not all(
                r == "slice" if isinstance(r, str) else
                isinstance(r, np.ndarray) and r.dtype.kind == "i" for r in rows):
            raise WireError("a watched array must arrive as an array and its rows.")
        return watched(array, rows)
    if tag == "__tuple__" and isinstance(content, list):
        return tuple(decode(v, functions, objects) for v in content)
    if tag == "__dict__" and isinstance(content, list):
        pairs = {}
        for pair in content:
            if (not isinstance(pair, list) or len(pair) != 2
                    or not isinstance(pair[0], (str, int)) or isinstance(pair[0], bool)):
                raise WireError("a dict must arrive as [key, value] pairs.")
            pairs[pair[0]] = decode(pair[1], functions, objects)
        return pairs
    if tag == "__generator__":
        state = decode(content, functions=False)
        name = state.get("bit_generator") if isinstance(state, dict) else None
        if name not in GENERATORS:
            raise WireError(f"unsupported bit generator {name!r}.")
        bit_generator = getattr(np.random, name)()
        bit_generator.state = state
        return np.random.Generator(bit_generator)
    if tag == "__function__" and functions:
        return named_function(content)
    if (tag == "__object__" and objects is not None and isinstance(content, int)
            and not isinstance(content, bool)):
        return objects(content)
    raise WireError(f"unexpected data tagged {tag!r}.")


def dumps(value, functions=True):
    """``value`` as JSON text (strict: no NaN literals)."""
    return json.dumps(encode(value, functions), allow_nan=False, separators=(",", ":"))


def _no_constant(name):
    raise WireError(f"unexpected JSON constant {name}.")


def loads(text, functions=True, objects=None):
    """The value in JSON text from :func:`dumps`; raises :class:`WireError` on anything else."""
    if not isinstance(text, str):
        raise WireError(f"expected JSON text, got a {type(text).__name__}.")
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except ValueError as error:
        raise WireError(f"not valid JSON: {error}") from None
    return decode(data, functions, objects)


def _target(function, target, kept):
    """What a request's ``target`` asks for, as a function of the request's arguments:
    an operator or a method of the kept object number ``target["object"]``, or the value of
    one of its attributes."""
    import operator

    if kept is None or not isinstance(target, dict) or target.get("object") not in kept:
        raise WireError("a request for an object the kernel does not keep.")
    thing = kept[target["object"]]
    if target.get("operator") in OPERATORS:
        apply = getattr(operator, target["operator"])
        if target.get("reflected"):
            return lambda other: apply(other, thing)
        return lambda *others: apply(thing, *others)
    name = target.get("method") or target.get("attribute")
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("__"):
        raise WireError(f"a request for the attribute {name!r} of a kept object.")
    if target.get("method"):
        return lambda *args, **kwargs: getattr(thing, name)(*args, **kwargs)
    return lambda: getattr(thing, name)


def serve(function, request_text, watched=(), kept=None):
    """Kernel side: call ``function`` with the arguments in ``request_text`` (the JSON of
    ``{"args": [...], "kwargs": {...}}``) and return the reply's JSON text.

    The reply holds ``result`` (or ``error``: its type, whether that type is a built-in
    exception, and its message), the arguments, positional (``args``) and keyword
    (``kwargs``), as they are after the call (so that the grader sees a function that writes
    into its inputs or draws from a generator it is given), the warnings raised, and which of the
    ``watched`` functions (``"module:qualname"`` names) ran during the call (not counting
    those run by a function that was itself an argument).

    When ``function`` is a class, ``kept`` (a dict the kernel keeps between calls) holds its
    instances: an instance in the result stays in the kernel and travels as its number, a
    number in the arguments stands for the kept instance, and the request's ``target`` may
    ask for an operator, a method or an attribute of a kept instance instead of calling the
    class (an attribute that is a method replies ``"method": true``).
    """
    import builtins
    import sys
    import warnings

    keeping = kept if isinstance(function, type) and kept is not None else None

    def stored(number):
        if keeping is None or number not in keeping:
            raise WireError(f"no kept object number {number!r}.")
        return keeping[number]

    call = loads(request_text, objects=stored)
    args, kwargs = list(call["args"]), dict(call["kwargs"])
    cls, attribute = function, False
    if call.get("target") is not None:
        function = _target(function, call["target"], keeping)
        attribute = not (call["target"].get("method") or call["target"].get("operator"))
    targets = {}
    for name in watched:
        try:
            code = getattr(named_function(name), "__code__", None)
        except Exception:  # a reference missing in this kernel's nnlib is simply not watched
            code = None
        if code is not None:
            targets[code] = name
    # Functions the check passed (e.g. nnlib's gradients for a gradient check): what they
    # call is the check's doing, not the learner's.
    given = {getattr(a, "__code__", None) for a in [*args, *kwargs.values()] if callable(a)}
    given.discard(None)
    seen = set()

    def called_by_the_check(frame):
        caller = frame.f_back
        while caller is not None:
            if caller.f_code in given:
                return True
            caller = caller.f_back
        return False

    def profile(frame, event, arg):
        if (event == "call" and frame.f_code in targets
                and not called_by_the_check(frame)):
            seen.add(targets[frame.f_code])

    reply = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        previous = sys.getprofile()
        sys.setprofile(profile)
        try:
            with np.errstate(divide="warn", over="warn", under="ignore", invalid="warn"):
                result = function(*args, **kwargs)
            if attribute and callable(result) and not isinstance(result, type):
                reply["method"], result = True, None
            try:
                reply["result"] = encode(_keep(result, cls, keeping), functions=False)
            except WireError as error:
                raise WireError(f"the grader cannot receive what it returned: {error}") from None
        except Exception as error:
            kind = type(error).__name__
            reply["error"] = {"type": kind, "message": str(error)[:2000],
                              "builtin": getattr(builtins, kind, None) is type(error)}
        finally:
            sys.setprofile(previous)
    try:
        reply["args"] = encode(list(args), functions=True)
    except WireError:
        reply["args"] = None
    try:
        reply["kwargs"] = encode(kwargs, functions=True)
    except WireError:
        reply["kwargs"] = None
    reply["warnings"] = [{"category": w.category.__name__, "message": str(w.message)[:2000],
                          "builtin": getattr(builtins, w.category.__name__, None) is w.category}
                         for w in caught[:50]]
    reply["calls"] = sorted(seen)
    return json.dumps(reply, allow_nan=False, separators=(",", ":"))


class _Kept(Handle):
    """A kept instance's number, in the kernel (encoded as ``{"__object__": number}``)."""

    __slots__ = ()

    def __init__(self, number):
        self.object_id = number


def _keep(value, cls, keeping):
    """``value`` with every instance of ``cls`` in it (itself, or inside a tuple, list or dict)
    put in ``keeping`` and replaced by its number; unchanged when nothing is kept."""
    if keeping is None:
        return value
    if isinstance(value, cls):
        for number, thing in keeping.items():
            if thing is value:
                return _Kept(number)
        keeping[len(keeping)] = value
        return _Kept(len(keeping) - 1)
    if isinstance(value, (list, tuple)):
        return type(value)(_keep(v, cls, keeping) for v in value)
    if isinstance(value, dict):
        return {k: _keep(v, cls, keeping) for k, v in value.items()}
    return value
