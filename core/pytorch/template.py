"""The script part's training script as text: one template filled with the settings (seeds included) and
commented in the session's language. The page shows this text, runs the same computation section by section
(core/pytorch/loop.py) and offers it as a download; tests/test_pytorch.py runs the download on its own.

The script seeds ``torch.Generator`` objects explicitly for the split and the batch order, and calls
``torch.manual_seed`` once, for the initial weights: it is a standalone program, so the global seed is its own.
The app never touches the global seed: it draws the same numbers from ``rng.generator(seed, purpose)``, whose
torch seeds are the numbers written into the script (``rng.seed_of``).
"""
from __future__ import annotations

from core import i18n, rng
from core.pytorch import script
from core.pytorch.tasks import WINDOW, raw, sizes

SECTIONS = ("data", "model", "loss", "optimiser", "loop", "evaluation", "save")  # in the order a script has them
PURPOSES = {"split": "pytorch.script.split", "batch": "pytorch.script.batches", "init": "pytorch.script.init"}
FILE_NAME = "pytorch_basics.py"
WEIGHTS_FILE = "pytorch_basics.safetensors"

LOAD = {
    "seattle": (
        "from vega_datasets import local_data  # $c_offline\n"
        "temps = torch.tensor(local_data.seattle_weather()[\"temp_max\"].to_numpy()).float()\n"
        f"x = temps.unfold(0, {WINDOW}, 1)[:-1]  # (1454, {WINDOW}): $c_window\n"
        f"y = temps[{WINDOW}:]  # (1454,): $c_target\n"),
    "diabetes": (
        "from sklearn.datasets import load_diabetes  # $c_offline\n"
        "x, y = load_diabetes(return_X_y=True)  # (442, 10), (442,)\n"
        "x, y = torch.tensor(x).float(), torch.tensor(y).float()\n"),
    "digits": (
        "from sklearn.datasets import load_digits  # $c_offline\n"
        "x, y = load_digits(return_X_y=True)  # (1797, 64), (1797,)\n"
        "x, y = torch.tensor(x / 16).float(), torch.tensor(y)  # $c_pixels\n"),
}
STANDARDISE = (
    "# $c_standardise\n"
    "mu, sd = x[train].mean(0), x[train].std(0)\n"
    "ym, ys = y[train].mean(), y[train].std()\n"
    "x, y = (x - mu) / sd, (y - ym) / ys\n")
LOSS = {"regression": "loss_fn = nn.MSELoss()  # $c_mse\n",
        "digits": "loss_fn = nn.CrossEntropyLoss()  # $c_ce\n"}
PRED = {"regression": "model(xb).squeeze(1)", "digits": "model(xb)"}  # (B, 1) -> (B,) like the targets
EVALUATE = {
    "regression": "print(f\"test {evaluate(test):.6f}\")\n",
    "digits": (
        "print(f\"test {evaluate(test):.6f}\")\n"
        "model.eval()\n"
        "with torch.no_grad():\n"
        "    guess = model(x[test].to(device)).argmax(1).cpu()  # $c_argmax\n"
        "accuracy = (guess == y[test]).float().mean().item()\n"
        "print(f\"accuracy {accuracy:.6f}\")\n"),
}

TEMPLATE = """\
# $c_title
# $c_run: python $file_name
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

# $c_settings
HIDDEN, LR, BATCH_SIZE, EPOCHS = $hidden, $lr, $batch, $epochs
SPLIT_SEED = $split_seed
BATCH_SEED = $batch_seed
INIT_SEED = $init_seed

# %% 1 · $s_data
${load}\
# $c_split
perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(SPLIT_SEED))
train, val, test = perm[:$n_train], perm[$n_train:$n_trval], perm[$n_trval:]
${standardise}\
# $c_loader
loader = DataLoader(TensorDataset(x[train], y[train]), batch_size=BATCH_SIZE, shuffle=True,
                    generator=torch.Generator().manual_seed(BATCH_SEED))

# %% 2 · $s_model
device = "cuda" if torch.cuda.is_available() else "cpu"  # $c_device
torch.manual_seed(INIT_SEED)  # $c_init
def make_model():
    return nn.Sequential(
        nn.Linear($d_in, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, $d_out)
    ).to(device)
model = make_model()

# %% 3 · $s_loss
$loss

# %% 4 · $s_optimiser
optimizer = torch.optim.SGD(model.parameters(), lr=LR)  # $c_sgd

# %% 5 · $s_loop
def evaluate(idx):  # $c_evaluate
    model.eval()
    with torch.no_grad():
        xb, yb = x[idx].to(device), y[idx].to(device)
        return loss_fn($pred, yb).item()

for epoch in range(1, EPOCHS + 1):
    model.train()  # $c_train_mode
    total = 0.0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()  # $c_zero
        loss = loss_fn($pred, yb)  # $c_forward
        loss.backward()  # $c_backward
        optimizer.step()  # $c_step
        total += loss.item() * len(xb)
    train_loss, val_loss = total / len(train), evaluate(val)
    print(f"epoch {epoch} train {train_loss:.6f} val {val_loss:.6f}")

# %% 6 · $s_evaluation
$evaluate

# %% 7 · $s_save
from safetensors.torch import load_file, save_file
state = model.state_dict()  # $c_state
# $c_safetensors
save_file({k: v.cpu() for k, v in state.items()}, "$weights")
files = {"state_dict": state, "safetensors": load_file("$weights")}
for name, weights in files.items():
    copy = make_model()
    copy.load_state_dict(weights)
    copy.eval()
    with torch.no_grad():
        xt = x[test].to(device)
        same = torch.equal(copy(xt), model(xt))
    print("reloaded", name, "identical", same)
"""


def kind(task: str) -> str:
    return "digits" if task == "digits" else "regression"


def fields(cfg, lang: str = "en") -> dict[str, object]:
    """Every value the template is filled with: the settings, the torch seeds of the page's streams, the
    sizes of the split and the comments in ``lang``."""
    x, _ = raw(cfg.task)
    n_train, n_trval = sizes(len(x))
    tr = i18n.translator(lang)
    k = kind(cfg.task)
    out: dict[str, object] = {
        "task": cfg.task, "hidden": cfg.hidden, "lr": f"{cfg.lr:g}", "batch": cfg.batch, "epochs": cfg.epochs,
        "seed": cfg.seed, "file_name": FILE_NAME, "weights": WEIGHTS_FILE, "n_train": n_train, "n_trval": n_trval,
        "d_in": int(x.shape[1]), "d_out": 10 if k == "digits" else 1, "pred": PRED[k],
        **{f"{p}_seed": rng.seed_of(cfg.seed, purpose) for p, purpose in PURPOSES.items()},
    }
    comments = {key.rsplit(".", 1)[1]: v for key, v in i18n.catalogue(i18n.normalise(lang)).items()
                if key.startswith("pytorch.code.")}
    out.update({f"c_{k_}": v for k_, v in comments.items()})
    out.update({f"s_{s}": tr(f"pytorch.section.{s}") for s in SECTIONS})
    out["c_title"] = tr("pytorch.code.title", task=tr(f"pytorch.opt.task.{cfg.task}"))
    out["c_settings"] = tr("pytorch.code.settings", seed=cfg.seed)
    fill = lambda s: script.fill(s, out)  # noqa: E731 - the fragments carry comments too
    out["load"] = fill(LOAD[cfg.task])
    out["standardise"] = "" if k == "digits" else fill(STANDARDISE)
    out["loss"] = fill(LOSS[k]).rstrip("\n")
    out["evaluate"] = fill(EVALUATE[k]).rstrip("\n")
    return out


def text(cfg, lang: str = "en") -> str:
    """The whole script for the settings ``cfg`` (a clamped ``ScriptConfig``), commented in ``lang``."""
    return script.fill(TEMPLATE, fields(cfg, lang))


def blocks(cfg, lang: str = "en") -> list[script.Section]:
    """The script cut at its ``# %%`` markers: a header, then one block per name of ``SECTIONS``."""
    return script.sections(text(cfg, lang))
