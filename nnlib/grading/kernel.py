"""A learner's notebook running in its own kernel, and its functions called from the grader.

:class:`KernelSession` runs the (restored) notebook cell by cell with nbclient. Just before
each exercise's check cell it keeps the learner's function as it is at that moment, so that a
later cell (``f = yours_or_nnlib(f, ...)``) cannot swap it for nnlib's. Afterwards
:class:`KernelFunction` stands in for that function in the grader's process: calling it sends
the arguments to the kernel (see :mod:`nnlib.grading.wire`), calls the learner's function there,
and returns what it returned, raising what it raised and re-issuing its warnings; what the
call changed in its arguments (positional or keyword: an array written into, a generator drawn
from) is written back into the grader's objects. For an exercise that is a class (lesson 05's
``Value``), :meth:`KernelFunction.as_class` is a class in the grader whose instances stand for
instances kept in the kernel: building one, its operators, methods and attributes all run
there.

Every wait is bounded by the notebook's deadline: :class:`NotebookTimeout` when it passes,
:class:`KernelDied` when the kernel dies.
"""

import builtins
import inspect
import json
import os
import tempfile
import time
import warnings

from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell

from . import wire

ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NNLIB_NUM_THREADS": "1"}
KEPT = "__nnlib_graded__"  # the kernel's dict of the learner's functions, by exercise id
OBJECTS = "__nnlib_kept_objects__"  # the kernel's dict of kept instances, by number


class GradingStopped(BaseException):
    """Grading this notebook cannot go on. A ``BaseException``, like ``KeyboardInterrupt``,
    so that a check's ``except Exception`` cannot mistake it for the learner's error."""


class NotebookTimeout(GradingStopped):
    """The notebook did not finish within its time limit."""


class KernelDied(GradingStopped):
    """The learner's kernel died (or was killed) while running."""


class CannotSend(BaseException):
    """The grader cannot send a check's arguments to the kernel: the check's problem, not the
    learner's (a ``BaseException`` so that ``run_check`` does not blame the learner)."""


class KernelReplyError(Exception):
    """The kernel's answer to a grader's call was missing or malformed."""


def _exception_class(name, base, builtin):
    """The built-in class ``name`` if ``builtin`` names one derived from ``base``, else a new
    class of that name (so messages read as they would in the notebook)."""
    known = getattr(builtins, name, None) if builtin else None
    if isinstance(known, type) and issubclass(known, base):
        return known
    safe = name if isinstance(name, str) and name.isidentifier() and len(name) < 80 else "Error"
    return type(safe, (base,), {"__module__": "learner"})


def _write_back(original, new):
    """Make ``original`` (an argument the grader passed) look as the kernel left it."""
    import numpy as np

    if isinstance(original, wire.WatchedRows) and isinstance(new, wire.WatchedRows):
        original.rows = list(new.rows)  # then the values, as for any array
    if isinstance(original, np.ndarray) and isinstance(new, np.ndarray):
        numeric = original.dtype.kind in "fc"
        if (original.shape == new.shape and original.dtype == new.dtype
                and original.flags.writeable
                and not np.array_equal(original, new, equal_nan=numeric)):
            np.copyto(original, new)
    elif isinstance(original, dict) and isinstance(new, dict):
        for key in list(original):
            if key not in new:
                del original[key]
        for key, value in new.items():
            old = original.get(key)
            same_array = (isinstance(old, np.ndarray) and isinstance(value, np.ndarray)
                          and old.shape == value.shape and old.dtype == value.dtype)
            if same_array or (isinstance(old, (dict, list)) and type(old) is type(value)):
                _write_back(old, value)  # the caller may hold this very object
            else:
                original[key] = value
    elif isinstance(original, list) and isinstance(new, list):
        original[:] = new
    elif isinstance(original, np.random.Generator) and isinstance(new, np.random.Generator):
        original.bit_generator.state = new.bit_generator.state


def _decoded(reply, field):
    """The reply's ``field`` decoded, or ``None`` if it is missing or cannot be read."""
    try:
        return wire.decode(reply[field]) if reply.get(field) is not None else None
    except wire.WireError:
        return None


class KernelSession:
    """Run a notebook in a fresh kernel (one BLAS thread) and keep the kernel for calls.

    nb: the notebook to run (it is changed: outputs are filled in); folder: the kernel's
    working directory; deadline: ``time.monotonic()`` value after which everything stops;
    capture: ``{check cell grade_id: (exercise id, function name)}``, the functions to keep just
    before their check cell runs. Use as a context manager; :meth:`run` runs the notebook.
    """

    def __init__(self, nb, folder, deadline, capture=None):
        self.nb = nb
        self.folder = str(folder)
        self.deadline = deadline
        self.capture = dict(capture or {})
        self.defined = {}
        self.classes = set()  # the exercise ids whose kept object is a class
        self.scratch = new_code_cell("")
        self.nb.cells.append(self.scratch)
        self.client = NotebookClient(
            nb, timeout=self._remaining(), kernel_name="python3", allow_errors=True,
            shutdown_kernel="immediate", record_timing=False,
            resources={"metadata": {"path": self.folder}})
        self._context = None

    def _remaining(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise NotebookTimeout("the time limit was reached")
        return max(1, int(left))

    def __enter__(self):
        env = {**os.environ, **ONE_THREAD, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        self.client.km = self.client.create_kernel_manager()
        self.client.km.transport = "ipc"  # local socket files, not TCP, for every channel
        self._sockets = tempfile.TemporaryDirectory(prefix="nnlib-kernel-")
        self.client.km.ip = os.path.join(self._sockets.name, "kernel")
        self._context = self.client.setup_kernel(env=env)
        try:
            self._context.__enter__()
        except Exception as error:
            self._sockets.cleanup()
            raise KernelDied(f"the kernel did not start: {error}") from None
        return self

    def __exit__(self, *exc):
        try:
            self._context.__exit__(None, None, None)
        except Exception:  # a kernel that is already gone cannot be shut down twice
            pass
        self._sockets.cleanup()
        return False

    def _execute(self, cell, index, store_history=True):
        self.client.timeout = self._remaining()
        try:
            return self.client.execute_cell(cell, index, store_history=store_history)
        except CellTimeoutError:
            raise NotebookTimeout(f"the time limit was reached in cell {index + 1}") from None
        except DeadKernelError:
            raise KernelDied(f"the kernel died in cell {index + 1}") from None

    def _hidden(self, code):
        """Run grader code in the kernel; the reply it published (text), else ``None``."""
        self.scratch.source = code
        self.scratch.outputs = []
        index = len(self.nb.cells) - 1
        try:
            self._execute(self.scratch, index, store_history=False)
        except NotebookTimeout:
            raise NotebookTimeout("the time limit was reached in a call of the learner's "
                                  "function") from None
        except KernelDied:
            raise KernelDied("the kernel died in a call of the learner's function") from None
        for output in reversed(self.scratch.outputs):  # the grader's reply comes last
            data = output.get("data", {}) if output.get("output_type") == "display_data" else {}
            if isinstance(data.get(wire.MIME), str):
                return data[wire.MIME]
        return None

    def run(self):
        """Run every cell of the notebook, keeping each exercise's function before its check
        cell. Returns ``{exercise id: whether a function of that name was defined}``; the ids
        whose function is a class are in ``classes``."""
        for index, cell in enumerate(list(self.nb.cells[:-1])):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in self.capture:
                exercise_id, name = self.capture[grade_id]
                reply = self._hidden(
                    "from IPython.display import publish_display_data as __nnlib_publish\n"
                    f"globals().setdefault({KEPT!r}, {{}})[{exercise_id!r}] = "
                    f"globals().get({name!r})\n"
                    f"__nnlib_publish({{{wire.MIME!r}: 'class' if isinstance("
                    f"{KEPT}[{exercise_id!r}], type) else str(callable("
                    f"{KEPT}[{exercise_id!r}]))}})\n"
                    "del __nnlib_publish\n")
                self.defined[exercise_id] = reply in ("True", "class")
                if reply == "class":
                    self.classes.add(exercise_id)
            if cell.cell_type == "code":
                self._execute(cell, index)
        return dict(self.defined)

    def call(self, exercise_id, args, kwargs, watched=(), target=None):
        """Call the kept function of ``exercise_id`` in the kernel (or, with ``target``, an
        operator, method or attribute of a kept instance: see :func:`wire.serve`); the reply
        (a dict)."""
        try:
            request = wire.dumps({"args": list(args), "kwargs": dict(kwargs), "target": target})
        except wire.WireError as error:
            raise CannotSend(str(error)) from None
        code = (
            "def __nnlib_grading_call():\n"
            "    namespace = {'__name__': 'nnlib_grading_wire'}\n"
            f"    exec({WIRE_SOURCE!r}, namespace)\n"
            "    from IPython.display import publish_display_data\n"
            f"    function = globals().get({KEPT!r}, {{}}).get({exercise_id!r})\n"
            f"    kept = globals().setdefault({OBJECTS!r}, {{}})\n"
            f"    reply = namespace['serve'](function, {request!r}, {list(watched)!r}, kept)\n"
            f"    publish_display_data({{{wire.MIME!r}: reply}})\n"
            "__nnlib_grading_call()\n"
            "del __nnlib_grading_call\n")
        text = self._hidden(code)
        if text is None:
            raise KernelReplyError("the kernel sent no answer to the grader's call")
        try:
            reply = json.loads(text, parse_constant=wire._no_constant)
        except (ValueError, wire.WireError) as error:
            raise KernelReplyError(f"the kernel's answer was not valid JSON: {error}") from None
        if not isinstance(reply, dict) or not ({"result", "error"} & set(reply)):
            raise KernelReplyError("the kernel's answer had neither a result nor an error")
        return reply


WIRE_SOURCE = inspect.getsource(wire)


class KernelFunction:
    """Stands in for the learner's function in the grader: ``proxy(*args)`` runs the function
    in the kernel and returns its result (see the module docstring).

    calls: the watched nnlib functions (``"module:qualname"``) that ran in any call so far.
    """

    def __init__(self, session, exercise_id, name, watched=()):
        self.session = session
        self.exercise_id = exercise_id
        self.__name__ = self.__qualname__ = name
        self.watched = tuple(watched)
        self.calls = set()
        self._class = None

    def __repr__(self):
        return f"<the learner's {self.__name__}, run in their kernel>"

    def __call__(self, *args, **kwargs):
        return self.request(args, kwargs)

    def as_class(self):
        """A class that stands in for the learner's class: see :class:`KernelObject`."""
        if self._class is None:
            self._class = _StandInClass(self.__name__, (KernelObject,),
                                        {"__slots__": (), "__module__": "learner",
                                         "stand_in": self})
        return self._class

    def _instance(self, number):
        instance = object.__new__(self.as_class())
        instance.object_id = number
        return instance

    def request(self, args, kwargs, target=None):
        """Call the function in the kernel (or ``target``: see :meth:`KernelSession.call`)
        and return what it returned."""
        given = wire.function_names([args, kwargs])  # the check's own function arguments
        watched = [name for name in self.watched if name not in given]
        reply = self.session.call(self.exercise_id, args, kwargs, watched, target)
        self.calls.update(str(c) for c in reply.get("calls", []) if isinstance(c, str))
        after = _decoded(reply, "args")
        if isinstance(after, list) and len(after) == len(args):
            for original, new in zip(args, after):
                _write_back(original, new)
        after = _decoded(reply, "kwargs")
        if isinstance(after, dict) and set(after) == set(kwargs):
            for name, original in kwargs.items():
                _write_back(original, after[name])
        for item in reply.get("warnings", [])[:50]:
            if isinstance(item, dict):
                category = _exception_class(item.get("category"), Warning, item.get("builtin"))
                warnings.warn_explicit(str(item.get("message")), category,
                                       f"<{self.__name__} in the learner's kernel>", 0,
                                       module="learner", registry={})
        if "error" in reply:
            error = reply["error"] if isinstance(reply["error"], dict) else {}
            kind = _exception_class(error.get("type"), Exception, error.get("builtin"))
            message = str(error.get("message", ""))
            try:
                exception = kind(message)
            except Exception:  # a built-in exception that needs other arguments
                exception = _exception_class(error.get("type"), Exception, False)(message)
            raise exception
        if reply.get("method") and target is not None:
            method = {"object": target["object"], "method": target["attribute"]}
            return lambda *args, **kwargs: self.request(args, kwargs, method)
        return wire.decode(reply["result"], functions=False, objects=self._instance)


class _StandInClass(type):
    """The type of a class that stands in for the learner's: building an instance builds the
    learner's in the kernel."""

    def __call__(cls, *args, **kwargs):
        return cls.stand_in.request(args, kwargs)

    def __repr__(cls):
        return f"<the learner's class {cls.__name__}, in their kernel>"


def _operator(name, reflected=False):
    def method(self, *others):
        return type(self).stand_in.request(others, {}, {"object": self.object_id,
                                                        "operator": name,
                                                        "reflected": reflected})
    method.__name__ = f"__{'r' if reflected else ''}{name}__"
    return method


class KernelObject(wire.Handle):
    """An instance of the learner's class, kept in the kernel: its arithmetic operators
    (``+ - * / **``, reflected too, and unary ``-``), methods and attributes are looked up and
    run there. Setting an attribute from the grader is not possible (the instance has no
    ``__dict__``)."""

    __slots__ = ()

    def __getattr__(self, name):
        if name.startswith("_") or name == "object_id":
            raise AttributeError(name)
        return type(self).stand_in.request((), {}, {"object": self.object_id,
                                                    "attribute": name})

    def __repr__(self):
        return f"<the learner's {type(self).__name__} object in their kernel>"

    __add__, __radd__ = _operator("add"), _operator("add", True)
    __sub__, __rsub__ = _operator("sub"), _operator("sub", True)
    __mul__, __rmul__ = _operator("mul"), _operator("mul", True)
    __truediv__, __rtruediv__ = _operator("truediv"), _operator("truediv", True)
    __pow__, __rpow__ = _operator("pow"), _operator("pow", True)
    __neg__, __pos__ = _operator("neg"), _operator("pos")
