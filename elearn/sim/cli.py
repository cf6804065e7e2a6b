"""`elearn sim run` and `elearn sim params`: pure click over the simulation modules."""

from __future__ import annotations

import click

from .instrument import InstrumentError, parse_instrument
from .simulate import simulate


def _count(text: str) -> int:
    try:
        value = float(text)
    except ValueError as exc:
        raise click.BadParameter(f"{text!r} is not a number of rays") from exc
    if value != int(value) or value < 1:
        raise click.BadParameter(f"{text!r} is not a positive whole number of rays")
    return int(value)


@click.group("sim")
def sim() -> None:
    """Run McStas instruments and inspect their parameters."""


@sim.command("params")
@click.argument("instrument", type=click.Path(exists=True, dir_okay=False))
def params_command(instrument: str) -> None:
    """List the instrument's parameters: name, type, default, unit, description."""
    try:
        parsed = parse_instrument(instrument)
    except InstrumentError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{parsed.name} ({parsed.path})")
    for p in parsed.parameters:
        default = "(required)" if p.default is None else repr(p.default)
        unit = f"[{p.unit}]" if p.unit else ""
        click.echo(f"  {p.name:<16} {p.type:<7} {default:<12} {unit:<10} {p.description}")


@sim.command("run")
@click.argument("instrument", type=click.Path(exists=True, dir_okay=False))
@click.argument("assignments", nargs=-1)
@click.option("-n", "--ncount", default="1e6", show_default=True, help="Number of rays.")
@click.option("-s", "--seed", type=int, default=None, help="Random seed (reproducible run).")
@click.option(
    "-d",
    "--dir",
    "outdir",
    required=True,
    type=click.Path(file_okay=False),
    help="Output folder (McStas format).",
)
@click.option(
    "--engine", type=click.Choice(["auto", "mcstas", "embedded"]), default="auto", show_default=True
)
def run_command(
    instrument: str, assignments: tuple[str, ...], ncount: str, seed: int | None, outdir: str, engine: str
) -> None:
    """Run INSTRUMENT with name=value parameter ASSIGNMENTS."""
    values = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not name=value", param_hint="ASSIGNMENTS")
        values[name.strip()] = value.strip()
    try:
        result = simulate(instrument, values, _count(ncount), seed, outdir, engine)
    except InstrumentError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{result.engine} engine: {result.ncount} rays, seed {result.seed}, "
        f"{result.elapsed_s:.2f} s -> {result.outdir}"
    )
    for mon in result.monitors:
        i, e, n = mon.totals()
        click.echo(f"  {mon.component:<20} I={i:.6g} Err={e:.3g} N={n:.0f}")
