"""Charts of the RNN page, one module per part: result in, Altair chart out; every word from
core/locales/<lang>/rnn.charts.toml."""
from core.charts.rnn.gradient import gradient_chart
from core.charts.rnn.inspector import SYMBOL_COLOUR, Y_LABELS, inspector_heat, inspector_tokens
from core.charts.rnn.overfit import SPLIT_DASH, overfit_curves
from core.charts.rnn.race import KIND_COLOURS, params_chart, race_curves, sweep_chart
from core.charts.rnn.slots import TAG_COLOURS, TAGGER_COLOURS, slot_example, slots_chart
from core.charts.rnn.unrolled import SHARED_COLOUR, STATE_COLOUR, unrolled_chart, unrolled_frame
from core.charts.rnn.vectors import WORD_KIND_COLOURS, vectors_chart
from core.charts.rnn.stepper import MEMORY_COLOURS, STEP_COLOUR, stepper_heat, stepper_output

__all__ = [k for k in dir() if not k.startswith("_")]
