"""RNN and LSTM gates: the page's API (``from core import rnn``). One module per part of the page; only the
chosen part is computed and drawn, so a view costs one part:

- ``lecture``: the lecture's hand-made LSTM, stepped through time (part ``stepper``). No training.
- ``inspector``: the race's trained LSTM, its gates over one held-out sequence (part ``inspector``).
- ``race``: simple RNN, LSTM and GRU recalling a symbol across a gap of T (part ``race``); the LSTM's forget gate
  and the GRU's update gate get the same bias at the start (``KEEP_GATE``).
- ``gradient``: ‖∂h_T/∂x_t‖ against distance at initialisation (part ``gradient``).
- ``overfit``: the LSTM and the GRU on a small training set of digits read row by row (part ``overfit``): does the
  GRU overfit less?
- ``slots``: slot filling with feed-forward, Elman, Jordan and bidirectional taggers (part ``variants``), reading
  one-hot words or learned word vectors; ``vectors``: what the learned word vectors show.
- ``unrolled``: the slot tagger's trained Elman network unrolled over one sentence, the same weights at every
  step (part ``unrolled``).
- ``cells``: the recurrent cells written out by hand (equal to PyTorch's); ``view``: what the page shows.

Each part module holds its config, its result and the facts its sentences state, with their thresholds.
"""
from core.rnn.cells import GATES, KINDS, GruStep, LstmStep, Weights, elman_cell, gru_cell, lstm_cell, lstm_trace, \
    recurrent_params
from core.rnn.gradient import (CLAIM_BIASES, FAR, LENGTHS, LSTM_TIMES, RNN_KEEPS, GradConfig, GradFacts, GradResult,
                               claim_holds as gradient_claim_holds, facts as gradient_facts, gradients,
                               ratios_on_seeds)
from core.rnn.inspector import (GROWING, GROWS, HELD, PATTERNS, QUANTITIES, SATURATED, SIGN_SET, InspectFacts,
                                Inspection, facts as inspector_facts, inspect)
from core.rnn.lecture import (LECTURE_OUTPUTS, LECTURE_SHARPNESS, MAX_STEPS, MAX_VALUE, LectureConfig, LectureTrace,
                              SequenceError, StepperFacts, checked, facts as stepper_facts, parse, run)
from core.rnn.overfit import (CELLS, CLAIM as OVERFIT_CLAIM, CLOSE, EACH_AHEAD, FIT, OVERFIT_GAP, RUN_VERDICTS, TIE,
                              VAL as OVERFIT_VAL, OverfitConfig,
                              OverfitFacts, OverfitResult, facts as overfit_facts, overfit, overfit_seeds,
                              seed_facts as overfit_seed_facts)
from core.rnn.race import (CLAIM, CLAIM_GRU_SOLVED, CLAIM_LSTM_SOLVED, CLAIM_RNN_LOW, CLAIM_RNN_SOLVED, CLAIM_SEEDS,
                           GAPS, GATE_BIASES, HIDDEN, KEEP_GATE, LOW, MEAN_MARGIN, SHORT_GAP, SHORT_SEEDS, SOLVED,
                           UPDATES, VERDICTS, VOCAB, Net, RaceConfig, RaceFacts, RaceResult, bias0_holds,
                           facts as race_facts, race, race_seeds, seed_facts, short_gap_holds, SWEEP_GAPS, PAGE_WORK,
                           race_updates, sweep, sweep_gaps, sweep_updates, verdict)
from core.rnn.slots import (EMBED, EXAMPLES, GUESS, INPUTS, ORDERS, SlotConfig, SlotResult,
                            claim_holds as slots_claim_holds, encode as slots_encode, example, input_weights, tag,
                            tag_seeds)
from core.rnn.vectors import (APART, SAME_KIND, SHOWN as VECTORS_SHOWN, TOGETHER, VectorFacts,
                              claim_holds as vectors_claim_holds, facts as vector_facts)
from core.rnn.unrolled import DIFFER, PAIR, Unrolled, UnrolledFacts, facts as unrolled_facts, unroll
from core.rnn.takehome import FILE_NAME as SCRIPT_FILE, script
from core.rnn.takehome_slots import FILE_NAME as SLOTS_FILE, script as slots_script
from core.rnn.takehome_overfit import FILE_NAME as OVERFIT_FILE, script as overfit_script
from core.rnn.view import PARTS, RnnView

__all__ = [k for k in dir() if not k.startswith("_")]
