#!/usr/bin/env python3
"""Records the platform builds of Nx's native binary in package-lock.json.

The npm registry mirror of this workplace serves only the linux-x64-gnu build of
@nx/nx-*@<version>, so `npm install` here leaves the other platforms out of the lock file and
`npm ci` then refuses the lock as out of sync. The entries this script adds are what npm writes
on a machine that reaches the public registry: optional, with os/cpu/libc, so npm ci skips them
on every other platform. Run it after any `npm install` that touches nx.
"""
import json
import pathlib

PLATFORMS = {
    'darwin-arm64': ('darwin', 'arm64', None),
    'darwin-x64': ('darwin', 'x64', None),
    'freebsd-x64': ('freebsd', 'x64', None),
    'linux-arm-gnueabihf': ('linux', 'arm', None),
    'linux-arm64-gnu': ('linux', 'arm64', 'glibc'),
    'linux-arm64-musl': ('linux', 'arm64', 'musl'),
    'linux-x64-gnu': ('linux', 'x64', 'glibc'),
    'linux-x64-musl': ('linux', 'x64', 'musl'),
    'win32-arm64-msvc': ('win32', 'arm64', None),
    'win32-x64-msvc': ('win32', 'x64', None),
}

lock_path = pathlib.Path(__file__).resolve().parent.parent / 'package-lock.json'
lock = json.loads(lock_path.read_text())
packages = lock['packages']
nx = packages['node_modules/nx']
for name, version in nx.get('optionalDependencies', {}).items():
    key = f'node_modules/{name}'
    if key in packages:
        continue
    platform = name.removeprefix('@nx/nx-')
    os_name, cpu, libc = PLATFORMS[platform]
    # Keys in the order npm writes them, so that a later `npm install` leaves the entry as it is.
    entry = {'version': version, 'cpu': [cpu], 'dev': True}
    if libc:
        entry['libc'] = [libc]
    entry.update({'license': 'MIT', 'optional': True, 'os': [os_name]})
    packages[key] = entry
lock['packages'] = dict(sorted(packages.items(), key=lambda item: (item[0] != '', item[0])))
lock_path.write_text(json.dumps(lock, indent=2) + '\n')
