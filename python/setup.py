"""Build hook: bundle the healthclaims release into the package (healthclaims/_release/).

The release is the tarball `make dist` writes (../dist/healthclaims-<version>-x86_64-linux.tar.gz,
for this package's version), or the tarball or unpacked folder named by $HEALTHCLAIMS_RELEASE.
The wheel is tagged py3-none-linux_x86_64: it carries a native binary and libraries, no CPython
extension, so any Python 3 on x86-64 Linux can use it.
"""
import os
import shutil
import tarfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
VERSION = "0.9.2"


def release_source():
    given = os.environ.get("HEALTHCLAIMS_RELEASE")
    if given:
        return Path(given)
    tarball = HERE.parent / "dist" / f"healthclaims-{VERSION}-x86_64-linux.tar.gz"
    if not tarball.exists():
        raise SystemExit(
            f"healthclaims: no release to bundle: {tarball} is missing. Run `make dist` in the "
            "repository first, or set HEALTHCLAIMS_RELEASE to a release tarball or folder."
        )
    return tarball


class BuildWithRelease(build_py):
    def run(self):
        super().run()
        dest = Path(self.build_lib) / "healthclaims" / "_release"
        if dest.exists():
            shutil.rmtree(dest)
        src = release_source()
        if src.is_dir():
            shutil.copytree(src, dest)
        else:
            tmp = dest.with_name("_release.unpack")
            if tmp.exists():
                shutil.rmtree(tmp)
            with tarfile.open(src) as t:
                # our own tarball: regular files and folders only
                members = [m for m in t.getmembers() if m.isfile() or m.isdir()]
                t.extractall(tmp, members=members)
            (top,) = [p for p in tmp.iterdir() if p.is_dir()]
            top.rename(dest)
            tmp.rmdir()
        if not (dest / "bin" / "healthclaims").is_file():
            raise SystemExit(f"healthclaims: {src} holds no bin/healthclaims")


class PlatformWheel(bdist_wheel):
    """Tagged for x86-64 Linux; stored uncompressed by default, since `pip install ./python`
    unpacks the wheel straight after building it (deflating 450 MB of libtorch takes longer
    than the whole rest of the install). HEALTHCLAIMS_WHEEL_COMPRESSION=deflated for a wheel
    to distribute (about 170 MB)."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False
        self.compression = os.environ.get("HEALTHCLAIMS_WHEEL_COMPRESSION", "stored")

    def get_tag(self):
        return ("py3", "none", "linux_x86_64")


setup(cmdclass={"build_py": BuildWithRelease, "bdist_wheel": PlatformWheel})
