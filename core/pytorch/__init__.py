"""PyTorch basics: the page's API (``from core import pytorch``), one module per part; only the chosen part is
computed and drawn.

- ``template`` + ``loop`` + ``tasks`` (part ``script``): a complete training script for a small real task, as
  text filled with the settings, and the same computation run section by section in the app (its printed losses
  equal the page's); ``script``: the generic take-home machinery (fill, sections, run as a process, read numbers).
- ``shapes``: one tensor operation on a tensor made from controls, or PyTorch's error and the plain reason.
- ``graph``: an expression's autograd graph, ``.grad`` against the hand derivative, forgetting ``zero_grad()``.
- ``loader``: which example lands in which batch, from a real ``DataLoader`` with a seeded generator.
- ``bugs`` + ``bug_facts``: the script broken in one place beside the correct one, and what each bug does.
- ``view``: what the page shows.
"""
from core.pytorch import script
from core.pytorch.bug_facts import BugFacts, facts as bug_facts
from core.pytorch.bugs import BUGS, CODE as BUG_CODE, TASK as BUG_TASK, BugConfig, BugResult, SeededDropout, \
    run as bugs
from core.pytorch.graph import EXPRESSIONS, FORMULA, GradConfig, GradFacts, GradResult, dot, facts as grad_facts, \
    run as autograd, table as grad_table
from core.pytorch.loader import LoaderConfig, LoaderFacts, LoaderResult, code as loader_code, \
    facts as loader_facts, run as batches
from core.pytorch.loop import ACCURATE, BEAT, Live, ScriptConfig, ScriptFacts, ScriptResult, facts as script_facts, \
    frame_fields, run as train_script, script_device
from core.pytorch.shapes import FIELDS as SHAPE_FIELDS, OPS, ShapeConfig, ShapeFacts, ShapeResult, \
    facts as shape_facts, run as shape
from core.pytorch.tasks import SHOWN, TASKS
from core.pytorch.template import FILE_NAME, SECTIONS, WEIGHTS_FILE, blocks, text as script_text
from core.pytorch.view import PARTS, PytorchView, frames

__all__ = [k for k in dir() if not k.startswith("_")]
