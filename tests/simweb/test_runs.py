"""Simulation runs as a service: validation, de-duplication, execution, limits, fairness."""

from dataclasses import replace

import pytest
from sqlalchemy.orm import Session

from elearn.auth.models import Role
from elearn.config import Settings
from elearn.sim.instrument import InstrumentError
from elearn.sim.models import RunStatus, SimulationRun
from elearn.sim.runs import SimulationError, cancel_run, execute, queue_priority, result_dir, submit_run

GUIDE = "Guide_slits.instr"


def submit(session, settings, user=None, role=Role.STUDENT, ncount="2e4", seed="7", **values):
    return submit_run(
        session,
        settings,
        user_id=user.id if user else None,
        role=role,
        instrument_file=GUIDE,
        values={k: str(v) for k, v in values.items()},
        ncount=ncount,
        seed=seed,
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"nonsense": "1"}, "unknown parameter 'nonsense'"),
        ({"m": "two"}, "parameter m: 'two' is not a number"),
        ({"m": "1; rm -rf /"}, "parameter m: '1; rm -rf /' is not a number"),
        ({"m": "nan"}, "is not a number"),
    ],
)
def test_bad_parameters_are_refused_before_anything_runs(
    session: Session, settings: Settings, values, message
):
    with pytest.raises(InstrumentError, match=message):
        submit(session, settings, **values)


@pytest.mark.parametrize(
    ("ncount", "message"),
    [
        ("1e12", "At most 1e\\+07 neutrons per run for a student"),
        ("abc", "not a number of neutrons"),
        ("2.5", "whole, positive"),
        ("-3", "whole, positive"),
    ],
)
def test_neutron_count_is_checked_and_capped(session, settings, ncount, message) -> None:
    with pytest.raises(SimulationError, match=message):
        submit(session, settings, ncount=ncount)


def test_unknown_or_escaping_instrument_is_refused(session, settings) -> None:
    for name in ("../secret.instr", "nope.instr", "Guide_slits.instr; ls"):
        with pytest.raises(SimulationError):
            submit_run(
                session,
                settings,
                user_id=None,
                role=Role.TEACHER,
                instrument_file=name,
                values={},
                ncount="1e3",
            )


def test_run_executes_and_an_identical_request_is_served_from_the_cache(session, settings, make_user) -> None:
    student = make_user()
    run, needs_job = submit(session, settings, student, m=2)
    session.commit()
    assert needs_job and run.status == RunStatus.QUEUED
    execute(session, settings, run.cache_key)
    session.refresh(run)
    assert run.status == RunStatus.DONE and run.progress == 1.0
    names = [monitor["name"] for monitor in run.summary]
    assert names == ["psd", "lambda_mon", "divergence"]
    assert all(monitor["I"] > 0 and monitor["N"] > 0 for monitor in run.summary)
    assert (result_dir(settings, run.cache_key) / "mccode.sim").exists()
    again, needs_job = submit(session, settings, make_user(), m=2)
    assert not needs_job and again.status == RunStatus.DONE and again.cached
    assert again.summary == run.summary
    other_seed, needs_job = submit(session, settings, student, seed="8", m=2)
    assert needs_job and other_seed.cache_key != run.cache_key


def test_identical_waiting_requests_share_one_run(session, settings, make_user) -> None:
    first, _ = submit(session, settings, make_user())
    second, second_needs_job = submit(session, settings, make_user())
    session.commit()
    assert second_needs_job  # its job settles it if the first finished before it joined
    execute(session, settings, first.cache_key)
    session.refresh(first)
    session.refresh(second)
    assert first.status == second.status == RunStatus.DONE
    finished = (first.finished_at, second.finished_at)
    execute(session, settings, second.cache_key)  # the second request's job: nothing left to run
    session.refresh(first)
    session.refresh(second)
    assert (first.finished_at, second.finished_at) == finished


def test_a_request_joining_as_its_twin_finishes_is_served_from_cache(session, settings, make_user) -> None:
    first, _ = submit(session, settings, make_user())
    session.commit()
    execute(session, settings, first.cache_key)
    result = result_dir(settings, first.cache_key) / "mccode.sim"
    written = result.stat().st_mtime_ns
    late = SimulationRun(user_id=make_user().id, instrument=first.instrument,
                         instrument_hash=first.instrument_hash, parameters=first.parameters,
                         ncount=first.ncount, seed=first.seed, engine=first.engine,
                         cache_key=first.cache_key, status=RunStatus.QUEUED)  # fmt: skip
    session.add(late)  # as if committed just after the twin's final update: no job saw it
    session.commit()
    execute(session, settings, late.cache_key)
    session.refresh(late)
    session.refresh(first)
    assert late.status == RunStatus.DONE and late.cached and late.summary == first.summary
    assert result.stat().st_mtime_ns == written  # served, not run again


def test_a_student_may_have_only_a_few_active_runs(session, settings, make_user) -> None:
    student = make_user()
    for seed in range(1, settings.sim_max_active_runs + 1):
        submit(session, settings, student, seed=str(seed))
    with pytest.raises(SimulationError, match="already have 3 runs waiting or running"):
        submit(session, settings, student, seed="99")
    submit(
        session, settings, make_user(Role.TEACHER), role=Role.TEACHER, seed="99"
    )  # teachers are not limited


def test_busy_students_get_lower_priority(session, settings, make_user) -> None:
    busy, idle = make_user(), make_user()
    runs = [submit(session, settings, busy, seed=str(seed))[0] for seed in (1, 2, 3)]
    fresh, _ = submit(session, settings, idle, seed="4")
    assert queue_priority(session, fresh) > queue_priority(session, runs[-1])


def test_cancelling_a_queued_run(session, settings, make_user) -> None:
    run, _ = submit(session, settings, make_user())
    cancel_run(session, run)
    session.commit()
    assert run.status == RunStatus.CANCELLED
    execute(session, settings, run.cache_key)  # the job finds nothing to do
    assert not (result_dir(settings, run.cache_key) / "mccode.sim").exists()


def test_wall_time_limit_stops_a_run(session, settings, make_user) -> None:
    strict = replace(settings, sim_time_limit_s=1e-9)
    run, _ = submit(session, strict, make_user(), ncount="1e6")
    session.commit()
    execute(session, strict, run.cache_key)
    session.refresh(run)
    assert run.status == RunStatus.FAILED
    assert run.message.startswith("Stopped: the run took longer than the limit")
