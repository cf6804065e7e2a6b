"""`elearn sim run` and `elearn sim params`: pure click over the simulation modules."""

from __future__ import annotations

from pathlib import Path

import click

from elearn.auth.models import Role

from .instrument import InstrumentError, parse_instrument
from .runs import SimulationError, monitor_summary, parse_ncount
from .scans import MAX_POINTS, ScanRange, find_scan, scan_tables
from .simulate import simulate


def _count(text: str) -> int:
    """The web form's parser, so 1e6, 2.5e5 and 1E+06 mean the same everywhere."""
    try:
        return parse_ncount(text)
    except SimulationError as exc:
        raise click.BadParameter(str(exc), param_hint="'-n'") from exc


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
@click.option("-N", "--numpoints", "points", default=None, help="Scan points for a name=first,last range.")
def run_command(
    instrument: str,
    assignments: tuple[str, ...],
    ncount: str,
    seed: int | None,
    outdir: str,
    engine: str,
    points: str | None,
) -> None:
    """Run INSTRUMENT with name=value parameter ASSIGNMENTS (name=first,last with -N scans, like mcrun)."""
    values = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not name=value", param_hint="ASSIGNMENTS")
        values[name.strip()] = value.strip()
    try:
        scan = find_scan(parse_instrument(instrument), values, points, MAX_POINTS[Role.ADMIN])
        if scan is not None:
            _run_scan(instrument, scan, values, _count(ncount), seed, Path(outdir), engine)
            return
        result = simulate(instrument, values, _count(ncount), seed, outdir, engine)
    except (InstrumentError, SimulationError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{result.engine} engine: {result.ncount} rays, seed {result.seed}, "
        f"{result.elapsed_s:.2f} s -> {result.outdir}"
    )
    for mon in result.monitors:
        i, e, n = mon.totals()
        click.echo(f"  {mon.component:<20} I={i:.6g} Err={e:.3g} N={n:.0f}")


def _run_scan(
    instrument: str, scan: ScanRange, values: dict[str, str], ncount: int, seed: int | None, outdir: Path,
    engine: str,
) -> None:  # fmt: skip
    """Like mcrun: point i in outdir/i, the scan table in outdir/mccode.dat with outdir/mccode.sim."""
    rows = []
    for index, value in enumerate(scan.values()):
        point = {**values, scan.parameter: str(value)}
        result = simulate(instrument, point, ncount, seed, outdir / str(index), engine)
        summary = monitor_summary(result.monitors)
        rows.append((value, summary))
        totals = "  ".join(f"{m['name']}: I={m['I']:.6g} Err={m['E']:.3g}" for m in summary)
        click.echo(f"{index}: {scan.parameter}={value:g}  {totals}")
    data, sim = scan_tables(scan, Path(instrument).name, ncount, rows, "mccode.dat")
    (outdir / "mccode.dat").write_text(data)
    (outdir / "mccode.sim").write_text(sim)
    click.echo(f"{scan.points} points -> {outdir}/mccode.dat")
