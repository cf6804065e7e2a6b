"""Plot data from real engine output, and the JSON and compare routes with their access rules."""

import json
from pathlib import Path

import numpy as np
import pytest

from elearn.auth.models import Role
from elearn.sim.engines import select_engine
from elearn.sim.instrument import parse_instrument
from elearn.sim.mccode_reader import read_output
from elearn.sim.parameters import validate_parameters
from elearn.sim.plotdata import PlotDataError, comparison, difference, monitor_data, ratio, scan_series

ROOT = Path(__file__).parents[2]
GUIDE = ROOT / "simulations" / "Guide_slits.instr"


@pytest.fixture(scope="module")
def guide_runs(tmp_path_factory):
    """Two real embedded-engine runs of Guide_slits (m=1 and m=3), monitors by name."""
    instrument, engine = parse_instrument(GUIDE), select_engine("embedded")
    runs = []
    for m in ("1", "3"):
        folder = tmp_path_factory.mktemp(f"m{m}")
        engine.run(instrument, validate_parameters(instrument, {"m": m}), 20_000, 5, folder / "out")
        runs.append({monitor.component: monitor for monitor in read_output(folder / "out")})
    return runs


def test_1d_monitor_data_has_bins_errors_counts_and_a_description(guide_runs) -> None:
    monitor = guide_runs[0]["lambda_mon"]
    data = monitor_data(monitor, "run #1")
    json.dumps(data, allow_nan=False)
    assert data["ndim"] == 1 and data["shape"] == [100]
    assert len(data["x"]["edges"]) == 101 and len(data["x"]["centres"]) == 100
    assert data["x"]["edges"][0] == pytest.approx(0.5) and data["x"]["edges"][-1] == pytest.approx(10)
    assert data["intensity"] == pytest.approx(monitor.intensity.tolist())
    assert data["errors"] == pytest.approx(monitor.errors.tolist())
    assert sum(data["counts"]) == pytest.approx(monitor.counts.sum())
    peak_bin = int(np.argmax(monitor.intensity))
    assert data["peak"]["index"] == [peak_bin]
    assert data["peak"]["x"] == pytest.approx(data["x"]["centres"][peak_bin])
    text = data["description"]
    assert text.startswith("run #1: Wavelength monitor.")
    assert "Wavelength [AA] from 0.5 to 10" in text
    assert f"The peak, {monitor.intensity.max():.4g}, is at Wavelength [AA] = {data['peak']['x']:.4g}" in text
    total_i, total_e, _ = monitor.totals()
    assert f"Total {total_i:.4g} ± {total_e:.2g} from {monitor.counts.sum():.0f} events" in text


def test_2d_monitor_data_is_x_outer_with_row_and_column_sums(guide_runs) -> None:
    monitor = guide_runs[0]["psd"]
    data = monitor_data(monitor)
    assert data["shape"] == [60, 60] and len(data["intensity"]) == 60 and len(data["intensity"][0]) == 60
    assert data["y"]["min"] == monitor.limits[2] and data["y"]["max"] == monitor.limits[3]
    assert data["sums"]["x"]["I"] == pytest.approx(monitor.intensity.sum(axis=1).tolist())
    assert data["sums"]["y"]["E"] == pytest.approx(np.sqrt((monitor.errors**2).sum(axis=0)).tolist())
    ix, iy = data["peak"]["index"]
    assert monitor.intensity[ix, iy] == monitor.intensity.max()
    assert "Y position [cm] =" in data["description"] and "Map of intensity" in data["description"]


def test_difference_propagates_errors_in_quadrature(guide_runs) -> None:
    a, b = guide_runs[0]["lambda_mon"], guide_runs[1]["lambda_mon"]
    data = difference(a, b, "B − A")
    assert data["intensity"] == pytest.approx((b.intensity - a.intensity).tolist())
    assert data["errors"] == pytest.approx(np.sqrt(a.errors**2 + b.errors**2).tolist())
    assert data["counts"] is None and "peak" in data["description"]


def test_ratio_has_relative_errors_and_none_for_empty_bins(guide_runs) -> None:
    a, b = guide_runs[0]["lambda_mon"], guide_runs[1]["lambda_mon"]
    data = ratio(a, b)
    json.dumps(data, allow_nan=False)
    i = int(np.argmax(a.intensity))
    expected = b.intensity[i] / a.intensity[i]
    assert data["intensity"][i] == pytest.approx(expected)
    relative = np.hypot(a.errors[i] / a.intensity[i], b.errors[i] / b.intensity[i])
    assert data["errors"][i] == pytest.approx(expected * relative)
    empty = np.flatnonzero(a.intensity == 0)
    assert all(data["intensity"][j] is None for j in empty)


def test_different_binning_is_refused_with_the_reason(guide_runs) -> None:
    a, b = guide_runs[0]["lambda_mon"], guide_runs[1]["lambda_mon"]
    coarse = type(b)(**{**b.__dict__, "intensity": b.intensity[:50], "errors": b.errors[:50],
                        "counts": b.counts[:50]})  # fmt: skip
    with pytest.raises(PlotDataError, match="lambda_mon: the runs bin differently"):
        difference(a, coarse)
    shifted = type(b)(**{**b.__dict__, "limits": (1.0, 10.0)})
    with pytest.raises(PlotDataError, match="different axis limits"):
        ratio(a, shifted)
    result = comparison([("run #1", a), ("run #2", coarse)])
    assert len(result["series"]) == 2 and result["difference"] is None
    assert "bin differently" in result["refused"]


# --- routes -----------------------------------------------------------------------------------


def start(auth, m: str, seed: str = "3") -> int:
    response = auth.post("/sim/Guide_slits.instr/runs", {"ncount": "2e4", "seed": seed, "p:m": m},
                         form_page="/sim/Guide_slits.instr")  # fmt: skip
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def test_monitor_json_route_and_its_access_rules(client, auth, make_user) -> None:
    auth.login(make_user())
    run_id = start(auth, "2")
    data = client.get(f"/sim/runs/{run_id}/data/lambda_mon.json").get_json()
    assert data["name"] == "lambda_mon" and data["label"] == f"run #{run_id}"
    assert len(data["intensity"]) == 100
    assert client.get(f"/sim/runs/{run_id}/data/nothing.json").status_code == 404
    page = client.get(f"/sim/runs/{run_id}").get_data(as_text=True)
    assert f'data-plot-url="/sim/runs/{run_id}/data/psd.json"' in page and "plot.js" in page
    auth.post("/auth/logout")
    assert client.get(f"/sim/runs/{run_id}/data/lambda_mon.json").status_code in (302, 401)
    auth.login(make_user())
    assert client.get(f"/sim/runs/{run_id}/data/lambda_mon.json").status_code == 404
    auth.post("/auth/logout")
    auth.login(make_user(Role.TEACHER))
    assert client.get(f"/sim/runs/{run_id}/data/lambda_mon.json").status_code == 200


def test_start_route_answers_json_for_the_widget(client, auth, make_user) -> None:
    auth.login(make_user())
    token_page = "/sim/Guide_slits.instr"
    response = auth.post("/sim/Guide_slits.instr/runs", {"ncount": "2e4", "seed": "4", "p:m": "2"},
                         form_page=token_page, headers={"Accept": "application/json"})  # fmt: skip
    started = response.get_json()
    assert response.status_code == 200 and started["status"] == "done"
    assert started["status_url"] == f"/sim/runs/{started['run_id']}/status"
    assert "lambda_mon" in started["monitors"]
    assert client.get(started["data_url"].replace("MONITOR", "psd")).status_code == 200
    refused = auth.post("/sim/Guide_slits.instr/runs", {"ncount": "2e4", "p:m": "lots"},
                        form_page=token_page, headers={"Accept": "application/json"})  # fmt: skip
    assert refused.status_code == 400 and "'lots' is not a number" in refused.get_json()["error"]


def test_compare_overlays_runs_with_a_difference(client, auth, make_user) -> None:
    auth.login(make_user())
    first, second = start(auth, "1"), start(auth, "3")
    run_page = client.get(f"/sim/runs/{second}").get_data(as_text=True)
    assert f'<option value="{first}">run #{first}' in run_page
    page = client.get(f"/sim/compare?run={first}&run={second}")
    assert page.status_code == 200
    assert f"/sim/compare/data/lambda_mon.json?runs={first},{second}" in page.get_data(as_text=True)
    data = client.get(f"/sim/compare/data/lambda_mon.json?runs={first},{second}").get_json()
    assert [s["label"] for s in data["series"]] == [f"run #{first}", f"run #{second}"]
    assert data["difference"]["label"] == f"run #{second} − run #{first}" and data["refused"] is None
    a, b = data["series"]
    assert data["difference"]["intensity"][50] == pytest.approx(b["intensity"][50] - a["intensity"][50])


def test_compare_refuses_foreign_runs_other_instruments_and_bad_lists(client, auth, make_user) -> None:
    auth.login(make_user())
    mine = start(auth, "1")
    powder = auth.post("/sim/Powder_diffractometer.instr/runs", {"ncount": "1e4", "seed": "1"},
                       form_page="/sim/Powder_diffractometer.instr")  # fmt: skip
    powder_id = int(powder.headers["Location"].rsplit("/", 1)[-1])
    refused = client.get(f"/sim/compare?runs={mine},{powder_id}")
    assert refused.status_code == 400 and "Only runs of one instrument" in refused.get_data(as_text=True)
    assert client.get(f"/sim/compare?runs={mine}").status_code == 400
    assert client.get("/sim/compare?runs=1,x").status_code == 400
    auth.post("/auth/logout")
    auth.login(make_user())
    other = start(auth, "2")
    assert client.get(f"/sim/compare?runs={other},{mine}").status_code == 404
    assert client.get(f"/sim/compare/data/psd.json?runs={other},{mine}").status_code == 404


def test_scan_series_keep_missing_values_as_none_and_describe_points() -> None:
    """A scan overview entry from an older overview.json (no peak_E) and a point with an empty histogram."""
    rows = [{"point": 0, "run": 7, "value": 8, "I": 2.0, "E": 0.5, "peak": 4.1},
            {"point": 1, "run": 8, "value": 4, "I": 0.0, "E": 0.0, "peak": None}]  # fmt: skip
    entry = {"name": "lambda_mon", "title": "Wavelength monitor", "xlabel": "Wavelength [AA]", "is_1d": True,
             "rows": rows}  # fmt: skip
    series = scan_series(entry, "lambda [AA]")
    intensity, peak = series["intensity"], series["peak"]
    assert intensity["x"] == {"centres": [8.0, 4.0], "min": 4.0, "max": 8.0} and intensity["runs"] == [7, 8]
    assert intensity["intensity"] == [2.0, 0.0] and intensity["errors"] == [0.5, 0.0]
    assert intensity["description"] == ("lambda_mon: Wavelength monitor. Integrated intensity I against "
                                        "lambda [AA] at 2 points from 4 to 8. The largest value, 2, is at "
                                        "lambda [AA] = 8. Values range from 0 to 2.")  # fmt: skip
    assert peak["intensity"] == [4.1, None] and peak["errors"] == [None, None]
    json.dumps(series, allow_nan=False)  # no NaN reaches the browser
    assert scan_series({**entry, "is_1d": False}, "lambda")["peak"] is None
