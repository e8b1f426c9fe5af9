# SPDX-License-Identifier: GPL-2.0-or-later
"""Debian guest kernels and their headers, fetched with `apt-get download`
and unpacked with `dpkg-deb -x` into a private cache, never installed.

Cache layout (root: $HOTPLUGFS_KERNEL_CACHE, default /var/cache/hotplugfs-kernels):
  <abi>/debs/*.deb      the downloaded packages
  <abi>/root/           all of them unpacked: boot/vmlinuz-<abi>, lib/modules/<abi>/,
                        usr/src/linux-headers-<abi>/ (KDIR), usr/lib/linux-kbuild-*/
  <abi>/complete        written last: the tree is whole and its symlinks rewritten
"""
import fcntl
import os
import re
import subprocess
import sys

DEFAULT_CACHE = "/var/cache/hotplugfs-kernels"

# series name -> regex of the ABI in linux-image-<abi>-amd64-unsigned
SERIES = {
    "6.1": re.compile(r"^linux-image-(6\.1\.0-(\d+))-amd64-unsigned$"),
    "6.12": re.compile(r"^linux-image-(6\.12\.(\d+)\+deb12)-amd64-unsigned$"),
}
# the same, as the POSIX regex apt-cache takes
APT_PATTERN = {
    "6.1": r"^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$",
    "6.12": r"^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$",
}


class Unavailable(Exception):
    """The kernel cannot be had (no registry, no cached copy): a skip, not a failure."""


def cache_root():
    return os.environ.get("HOTPLUGFS_KERNEL_CACHE", DEFAULT_CACHE)


def _run(argv, cwd=None, timeout=600):
    return subprocess.run(argv, cwd=cwd, timeout=timeout, capture_output=True, text=True)


def _apt_names(pattern):
    r = _run(["apt-cache", "search", "--names-only", pattern], timeout=120)
    if r.returncode != 0:
        return []
    return [line.split(" ", 1)[0] for line in r.stdout.splitlines() if line]


def newest_abi(series):
    """The newest ABI of SERIES whose image and amd64 headers the registry lists."""
    rx = SERIES[series]
    images = {}
    for name in _apt_names(APT_PATTERN[series]):
        m = rx.match(name)
        if m:
            images[m.group(1)] = int(m.group(2))
    headers = set(_apt_names("^linux-headers-%s" % re.escape(series)))
    ok = [abi for abi in images if "linux-headers-%s-amd64" % abi in headers]
    if not ok:
        return None
    return max(ok, key=lambda abi: images[abi])


def _kbuild_package(series, abi):
    # linux-headers-6.1.0-N-amd64 Depends linux-kbuild-6.1;
    # linux-headers-6.12.M+deb12-amd64 Depends linux-kbuild-6.12.M+deb12.
    return "linux-kbuild-6.1" if series == "6.1" else "linux-kbuild-" + abi


def packages(series, abi):
    return ["linux-image-%s-amd64-unsigned" % abi,
            "linux-headers-%s-amd64" % abi,
            "linux-headers-%s-common" % abi,
            _kbuild_package(series, abi)]


def _cached_abis(series):
    root = cache_root()
    if not os.path.isdir(root):
        return []
    rx = SERIES[series]
    found = []
    for d in os.listdir(root):
        m = rx.match("linux-image-%s-amd64-unsigned" % d)
        if m and os.path.exists(os.path.join(root, d, "complete")):
            found.append((int(m.group(2)), d))
    return [d for _, d in sorted(found, reverse=True)]


def rewrite_absolute_symlinks(root):
    """Points every absolute symlink under ROOT at the same path inside ROOT
    (relative, so the tree can move): lib/modules/<abi>/build and the
    headers' scripts/tools links name /usr/src/... and /usr/lib/linux-kbuild-*."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                continue
            target = os.readlink(path)
            if not target.startswith("/"):
                continue
            inside = os.path.join(root, target.lstrip("/"))
            os.unlink(path)
            os.symlink(os.path.relpath(inside, dirpath), path)


def rewrite_headers_makefile(root, abi):
    """The amd64 headers' Makefile includes the -common one by absolute path
    (/usr/src/linux-headers-<abi>-common/Makefile); make -C runs in the amd64
    directory, so a path relative to it stays inside ROOT."""
    path = os.path.join(kdir(abi, root), "Makefile")
    with open(path) as f:
        text = f.read()
    text = text.replace("include /usr/src/", "include ../")
    with open(path, "w") as f:
        f.write(text)


def ensure_modules_dep(abi, root):
    """The packages ship no modules.dep (depmod runs at install time, which
    never happens here): generate it inside ROOT."""
    if not os.path.exists(os.path.join(modules_dir(abi, root), "modules.dep")):
        subprocess.run(["depmod", "-b", root, "%s-amd64" % abi], check=True, timeout=300)


def ensure(series, log=print):
    """Returns (abi, root) of the newest SERIES kernel, downloading and
    unpacking it on first use; raises Unavailable when it cannot.  Runs
    that share the cache take turns (a lock file in it)."""
    try:
        os.makedirs(cache_root(), exist_ok=True)
        lock = open(os.path.join(cache_root(), ".lock"), "w")
    except OSError as e:
        raise Unavailable("cannot use the kernel cache %s: %s" % (cache_root(), e))
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _ensure_locked(series, log)


def _ensure_locked(series, log):
    abi = newest_abi(series)
    cached = _cached_abis(series)
    if abi is None:
        if cached:
            log("apt-cache lists no %s kernel; using the cached %s" % (series, cached[0]))
            ensure_modules_dep(cached[0], os.path.join(cache_root(), cached[0], "root"))
            return cached[0], os.path.join(cache_root(), cached[0], "root")
        raise Unavailable("apt-cache lists no linux-image-%s*-amd64-unsigned with headers "
                          "(run apt-get update?) and none is cached in %s" % (series, cache_root()))
    base = os.path.join(cache_root(), abi)
    root = os.path.join(base, "root")
    if os.path.exists(os.path.join(base, "complete")):
        ensure_modules_dep(abi, root)
        return abi, root
    debs = os.path.join(base, "debs")
    os.makedirs(debs, exist_ok=True)
    log("fetching %s into %s" % (", ".join(packages(series, abi)), base))
    r = _run(["apt-get", "download", "-q"] + packages(series, abi), cwd=debs, timeout=900)
    if r.returncode != 0:
        if cached:
            log("apt-get download failed; using the cached %s" % cached[0])
            ensure_modules_dep(cached[0], os.path.join(cache_root(), cached[0], "root"))
            return cached[0], os.path.join(cache_root(), cached[0], "root")
        raise Unavailable("apt-get download failed (registry unreachable?): %s"
                          % (r.stderr.strip().splitlines() or ["?"])[-1])
    subprocess.run(["rm", "-rf", root], check=True)
    os.makedirs(root)
    for deb in sorted(os.listdir(debs)):
        if deb.endswith(".deb"):
            subprocess.run(["dpkg-deb", "-x", os.path.join(debs, deb), root], check=True)
    rewrite_absolute_symlinks(root)
    rewrite_headers_makefile(root, abi)
    ensure_modules_dep(abi, root)
    if not os.path.exists(os.path.join(root, "boot", "vmlinuz-%s-amd64" % abi)):
        raise Unavailable("no boot/vmlinuz-%s-amd64 in the unpacked packages" % abi)
    with open(os.path.join(base, "complete"), "w") as f:
        f.write(abi + "\n")
    for deb in os.listdir(debs):  # the unpacked tree is what is kept
        os.unlink(os.path.join(debs, deb))
    return abi, root


def kdir(abi, root):
    return os.path.join(root, "usr", "src", "linux-headers-%s-amd64" % abi)


def vmlinuz(abi, root):
    return os.path.join(root, "boot", "vmlinuz-%s-amd64" % abi)


def modules_dir(abi, root):
    return os.path.join(root, "lib", "modules", "%s-amd64" % abi)


if __name__ == "__main__":
    # kernels.py SERIES...: fetch (or find cached) and print "series abi root kdir"
    for s in sys.argv[1:] or list(SERIES):
        try:
            a, r = ensure(s, log=lambda m: print(m, file=sys.stderr))
        except Unavailable as e:
            print("SKIP: %s" % e, file=sys.stderr)
            sys.exit(77)
        print(s, a, r, kdir(a, r))
