"""Interactive explorers for the lessons, built with ipywidgets and matplotlib.

Each function returns a widget: make it the last value of a notebook cell to display it.

- :func:`neuron_explorer` (lesson 01): one neuron's weights, bias and activation.
- :func:`activation_explorer` (lesson 02): activation functions, their derivatives, and
  where they saturate.
- :func:`init_explorer` (lesson 06): how the initialization scheme changes the activations
  and gradients, layer by layer, in a deep network.
- :func:`training_dashboard` (lessons 07 and 09): train a network with chosen
  hyper-parameters and watch the loss and accuracy curves live.
"""

from .activations import activation_explorer
from .dashboard import training_dashboard
from .initialization import init_explorer
from .neuron import neuron_explorer

__all__ = ["activation_explorer", "init_explorer", "neuron_explorer", "training_dashboard"]
