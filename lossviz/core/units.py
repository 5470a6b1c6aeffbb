"""Standardised inputs and the original units (issue 21): an import with ``--standardize`` fits W and b over
x' = (x − mean)/std; the scene records each column's mean and std (``"standardization": {"mean": […], "std": […]}``)
so that ``fit --units original`` (and whoever asks) can give the same model in the table's units:

    W x' + b = (W / std) x + (b − Σⱼ Wⱼ meanⱼ / stdⱼ)

— the coefficients linear regression of the raw table gives at the minimum (orange3-educational #156/#170: a
gradient-descent widget whose coefficients silently differed from linear regression's because it normalised).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lossviz.core.errors import LossvizError
from lossviz.core.validate import as_object, check_keys, number, show_value

STANDARDISED = ", standardised"  # what an import with --standardize adds to each input's name


@dataclass(frozen=True)
class Standardization:
    """The mean and std (ddof 0, 1 for a constant column) of each raw input column, in column order."""

    mean: tuple[float, ...]
    std: tuple[float, ...]

    @classmethod
    def of(cls, mean: np.ndarray, std: np.ndarray) -> Standardization:
        """From the arrays ``features.standardizer`` gives."""
        return cls(tuple(float(value) for value in mean), tuple(float(value) for value in std))

    def to_dict(self) -> dict:
        """As the scene file holds it."""
        return {"mean": list(self.mean), "std": list(self.std)}

    def original(self, thetas: np.ndarray) -> np.ndarray:
        """θ's (..., k, d+1) over standardised inputs as θ's over the original units (same predictions)."""
        mean, std = np.asarray(self.mean), np.asarray(self.std)
        W, b = thetas[..., :-1], thetas[..., -1]
        raw_W = W / std
        return np.concatenate([raw_W, (b - raw_W @ mean)[..., None]], axis=-1)


def parse_standardization(value: object, dims: int, where: str = "standardization") -> Standardization:
    """The scene's ``standardization``: a mean and a std (> 0) per input; LossvizError naming the key otherwise."""
    obj = as_object(value, where)
    check_keys(obj, ("mean", "std"), where)
    parts = []
    for key in ("mean", "std"):
        values = obj.get(key)
        if not isinstance(values, list) or len(values) != dims:
            raise LossvizError(f"{where}.{key}: expected {dims} numbers (one per input), got {show_value(values)}")
        numbers = [number(item, f"{where}.{key}[{i}]") for i, item in enumerate(values)]
        parts.append(tuple(numbers))
    for i, std in enumerate(parts[1]):
        if not std > 0:
            raise LossvizError(f"{where}.std[{i}]: must be > 0, got {std}")
    return Standardization(parts[0], parts[1])


def in_original_units(thetas: np.ndarray, standardization: Standardization | None, degree: int | None) -> np.ndarray:
    """``thetas`` in the table's units; LossvizError where there are none to give (no standardisation, or W over
    features φ)."""
    if standardization is None:
        raise LossvizError("--units original: the scene's inputs were not standardised (no \"standardization\")")
    if degree is not None:
        raise LossvizError("--units original: not with features φ (W weighs φ's monomials, not the inputs)")
    return standardization.original(thetas)


def _signed(value: float, first: bool) -> str:
    text = f"{abs(value):.3g}"
    if first:
        return f"−{text}" if value < 0 else text
    return f" − {text}" if value < 0 else f" + {text}"


def units_text(raw: np.ndarray, input_names: tuple[str, ...], task: str, class_names: tuple[str, ...] | None = None,
               shown: int = 8) -> str:
    """The model over the original units as lines 'ŷ = 0.41·sepal length − 0.2·petal width + 1.3' (z, the logit, for
    binary; z of each class for multiclass); ``raw`` (k, d+1) from ``Standardization.original``; at most ``shown``
    terms a line, then '…'."""
    lines = []
    for k, row in enumerate(np.asarray(raw)):
        if task == "regression":
            target = "ŷ"
        elif task == "binary":
            target = "z"
        else:
            target = f"z({class_names[k] if class_names else k})"
        names = [name.removesuffix(STANDARDISED) for name in input_names]  # the columns' own names
        terms = [f"{_signed(w, i == 0)}·{name}" for i, (w, name) in enumerate(zip(row[:-1], names))]
        more = " + …" if len(terms) > shown else ""
        lines.append(f"{target} = {''.join(terms[:shown])}{more}{_signed(row[-1], not terms)}")
    return "\n".join(lines)
