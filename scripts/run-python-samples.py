"""Runs the ```python samples of README.md and docs/*.md for the bindings check (scripts/bindings-check.sh), all in
one Python process.

    run-python-samples.py [--expect-failure FILE.md] OUTDIR LOGDIR SAMPLE.py...

The samples are the files scripts/check-samples.ts --emit-python writes: one a sample, all in one directory, each
starting with a `# FILE.md:LINE` comment. Every Python process spends about 10 s of CPU importing aws_cdk (the
aws-cdk-lib 2.88 package imports all its submodules) and starts a jsii kernel (a Node.js process that loads
aws-cdk-lib); one process for all the samples pays for that once. Each sample still runs as the file a user
copies: with runpy, as __main__, in fresh globals, from the samples' directory (the jsii kernel's working
directory too), one after the other. Only the imported modules and the jsii kernel are shared.

A sample passes when it returns (or exits with status 0) and has synthesized a cloud assembly of its own: a
directory with a manifest.json, which is moved to OUTDIR/NAME (NAME-2, ... for more than one). The samples'
App() takes no outdir, and CDK_OUTDIR cannot tell each its own: the jsii kernel reads it, and the kernel's
environment is fixed when it starts. So App() makes a new temporary directory (in the kernel's TMPDIR) for each
app, and the runner learns where from Stage.synth (App's synth), which it wraps. A sample that raises fails, with
its traceback, and the others still run.

A sample's output (its prints, its traceback, the jsii kernel's messages) goes to LOGDIR/NAME.log, which is also
printed before the sample's `ok` or `FAIL` line. The jsii runtime copies the kernel's messages from a thread of
its own, so one written in the last moment of a sample can land in the next sample's log.

--expect-failure FILE.md: the samples of FILE.md (the bindings check's self-test) must fail. They run first,
and are reported like the others (`FAIL`, and the traceback in the log), which also shows that the samples after
a failed one still run. The runner exits 1 when a sample fails, or when one that must fail passes.
"""
import argparse
import functools
import os
import runpy
import shutil
import sys
import time
import traceback


def main():
    parser = argparse.ArgumentParser(description="Runs the Python samples in one process.")
    parser.add_argument("--expect-failure", metavar="FILE.md", help="the samples of FILE.md must fail")
    parser.add_argument("outdir")
    parser.add_argument("logdir")
    parser.add_argument("samples", nargs="+")
    args = parser.parse_args()

    samples = [os.path.abspath(f) for f in args.samples]
    outdir, logdir = os.path.abspath(args.outdir), os.path.abspath(args.logdir)
    directories = {os.path.dirname(f) for f in samples}
    if len(directories) != 1:
        sys.exit(f"run-python-samples: the samples must be in one directory, not {sorted(directories)}")
    os.makedirs(outdir, exist_ok=True)
    os.makedirs(logdir, exist_ok=True)
    wheres = {f: where_of(f) for f in samples}
    expected = {f for f in samples if args.expect_failure and wheres[f].rsplit(":", 1)[0] == args.expect_failure}
    if args.expect_failure and not expected:
        sys.exit(f"run-python-samples: no sample comes from {args.expect_failure}")
    samples.sort(key=lambda f: f not in expected)

    # Before aws_cdk starts the jsii kernel: its working directory is the samples', as for `python SAMPLE.py`.
    os.chdir(directories.pop())
    synthesized = watch_synthesis()

    passed, failed, unexpected = [], [], []
    for sample in samples:
        name = os.path.splitext(os.path.basename(sample))[0]
        log = os.path.join(logdir, f"{name}.log")
        synthesized.clear()
        t0 = time.monotonic()
        error = run_logged(sample, log)
        seconds = time.monotonic() - t0
        if error is None:
            error = keep_assemblies(synthesized, outdir, name)
        with open(log, encoding="utf-8", errors="replace") as f:
            sys.stdout.write(f.read())
        if error is None:
            print(f"ok   {wheres[sample]} ({seconds:.1f} s)")
            passed.append(sample)
        else:
            print(f"FAIL {wheres[sample]}: {error} ({seconds:.1f} s)")
            failed.append(sample)
        if (error is None) == (sample in expected):
            unexpected.append(sample)
        sys.stdout.flush()

    real = [f for f in samples if f not in expected]
    print(f"python samples: {len([f for f in passed if f in real])} passed, {len([f for f in failed if f in real])} failed")
    if expected:
        wrong = [wheres[f] for f in expected if f in passed]
        print(f"python samples self-test: {len(expected) - len(wrong)} of {len(expected)} samples that must fail failed"
              + (f"; passed: {', '.join(wrong)}" if wrong else ""))
    return 1 if unexpected else 0


def where_of(sample):
    """The FILE.md:LINE of the `# FILE.md:LINE` line that starts the sample."""
    with open(sample, encoding="utf-8") as f:
        first = f.readline().strip()
    return first[2:] if first.startswith("# ") else os.path.basename(sample)


def watch_synthesis():
    """Wraps Stage.synth (and App.synth, should it have one) to record the directory of each cloud assembly."""
    import aws_cdk

    directories = []
    for cls in (aws_cdk.Stage, aws_cdk.App):
        if "synth" not in vars(cls):
            continue
        original = vars(cls)["synth"]

        @functools.wraps(original)
        def synth(self, *args, _original=original, **kwargs):
            assembly = _original(self, *args, **kwargs)
            directories.append(os.path.abspath(assembly.directory))
            return assembly

        setattr(cls, "synth", synth)
    return directories


def run_logged(sample, log):
    """Runs SAMPLE as __main__ with file descriptors 1 and 2 on LOG; returns None, or why it failed."""
    saved_argv, saved_path0 = sys.argv, sys.path[0]
    sys.argv, sys.path[0] = [sample], os.path.dirname(sample)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    try:
        with open(log, "wb") as f:
            os.dup2(f.fileno(), 1)
            os.dup2(f.fileno(), 2)
            try:
                runpy.run_path(sample, run_name="__main__")
            except SystemExit as e:
                if e.code not in (None, 0):
                    print_traceback(e, sample)
                    return f"exited with {e.code!r}"
            except Exception as e:
                print_traceback(e, sample)
                return f"raised {type(e).__name__}: see its traceback above"
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
    finally:
        os.close(saved[0])
        os.close(saved[1])
        sys.argv, sys.path[0] = saved_argv, saved_path0
    return None


def print_traceback(error, sample):
    """Prints the traceback of ERROR from the sample's frame on, as `python SAMPLE.py` would (without runpy's)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != sample:
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb or error.__traceback__)


def keep_assemblies(synthesized, outdir, name):
    """Moves the sample's cloud assemblies to OUTDIR/NAME (NAME-2, ...); returns None, or why they do not count."""
    directories = list(dict.fromkeys(synthesized))
    if not directories:
        return "no cloud assembly: the sample never called app.synth()"
    for i, directory in enumerate(directories):
        if not os.path.isfile(os.path.join(directory, "manifest.json")):
            return f"synthesized into {directory}, which holds no manifest.json"
        target = os.path.join(outdir, name if i == 0 else f"{name}-{i + 1}")
        shutil.rmtree(target, ignore_errors=True)
        # Moved, so that no later sample can count an assembly of this one as its own.
        shutil.move(directory, target)
    return None


if __name__ == "__main__":
    sys.exit(main())
