# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The example execution environment (extensions/ee) and what ansible-builder makes of it.

No container runtime and no network: `ansible-builder create` writes the build context, and the
steps of its Containerfile that matter here (the collection install of the galaxy stage, the
introspection of the builder stage) are replayed on this machine with the paths moved into tmp.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile

import yaml

from packaging.requirements import Requirement

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(HERE))
EE_FILE = os.path.join(COLLECTION_ROOT, 'extensions', 'ee', 'execution-environment.yml')
# The venv's own tools, whatever PATH says.
BIN = os.path.dirname(sys.executable)
COLLECTION = 'apiauth.vendors'
# What the collection's requirements.txt asks for, as ansible-builder's introspection reports it.
REQUESTS_LINE = 'requests>=2.25  # from collection apiauth.vendors'
# Where the image keeps collections; the replayed steps use a directory in tmp instead.
IMAGE_SHARE = '/usr/share/ansible'


def run(args, cwd, env=None, timeout=120):
    proc = subprocess.run(args, cwd=str(cwd), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout, check=False)
    assert proc.returncode == 0, 'rc=%d: %s\n--- stdout\n%s\n--- stderr\n%s' % (
        proc.returncode, ' '.join(args), proc.stdout, proc.stderr)
    return proc.stdout


def offline_env(tmp_path):
    # PYTHONPATH too: make puts the collection tree on it, and ansible-galaxy counts a collection it can import as installed.
    env = dict((name, value) for name, value in os.environ.items()
               if name not in ('ANSIBLE_CONFIG', 'ANSIBLE_COLLECTIONS_PATHS', 'PYTHONPATH'))
    env.update(
        # An empty collections path, as in the image: ansible-galaxy skips ("Nothing to do") a collection
        # it finds installed anywhere it looks, e.g. in the ANSIBLE_COLLECTIONS_PATH these tests run with.
        ANSIBLE_COLLECTIONS_PATH=str(tmp_path / 'no-collections'),
        # Any attempt to reach a Galaxy server fails at once instead of waiting for a timeout.
        ANSIBLE_GALAXY_SERVER='http://127.0.0.1:9/api/',
        ANSIBLE_GALAXY_CACHE_DIR=str(tmp_path / 'galaxy-cache'),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
    )
    return env


def create_context(ee_file, tmp_path):
    """`ansible-builder create`; returns (context dir, Containerfile stages as {name: [lines]}, ARG defaults)."""
    context = tmp_path / 'context'
    # --output-filename: without it the name depends on whether podman is installed (else Dockerfile).
    run([os.path.join(BIN, 'ansible-builder'), 'create', '-f', str(ee_file), '--context', str(context),
         '--output-filename', 'Containerfile'], cwd=tmp_path)
    containerfile = context / 'Containerfile'
    assert containerfile.is_file(), sorted(os.listdir(str(context)))
    stages, args, current = {}, {}, None
    for line in containerfile.read_text().splitlines():
        match = re.match(r'FROM \S+ AS (\w+)$', line)
        if match:
            current = stages.setdefault(match.group(1), [])
        elif current is None:
            match = re.match(r'ARG (\w+)="(.*)"$', line)
            if match:
                args[match.group(1)] = match.group(2)
        elif line.strip():
            current.append(line)
    return context, stages, args


def find_run(lines, needle):
    found = [line for line in lines if line.startswith('RUN ') and needle in line]
    assert len(found) == 1, 'one RUN with %r expected in:\n%s' % (needle, '\n'.join(lines))
    return found[0]


def replay(run_line, args, cwd, env, paths):
    """Run one `RUN` line of the Containerfile here: ARG defaults expanded, PYCMD = this python,
    image paths mapped by `paths`, leading VAR=value words moved to the environment."""
    values = dict(args, PYCMD=sys.executable)
    command = re.sub(r'\$\{?(\w+)\}?', lambda m: values[m.group(1)], run_line[len('RUN '):])
    for image_path, local_path in paths.items():
        command = command.replace(image_path, str(local_path))
    words = shlex.split(command)
    env = dict(env)
    while re.match(r'^[A-Za-z_]\w*=', words[0]):
        name, value = words.pop(0).split('=', 1)
        env[name] = value
    if words[0] == 'ansible-galaxy':
        words[0] = os.path.join(BIN, 'ansible-galaxy')
    return run(words, cwd=cwd, env=env)


def build_tarball(tmp_path, source=COLLECTION_ROOT):
    out = tmp_path / 'dist'
    run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(out), source],
        cwd=tmp_path, env=offline_env(tmp_path))
    tarballs = sorted(os.listdir(str(out)))
    assert len(tarballs) == 1 and re.match(r'apiauth-vendors-.+\.tar\.gz$', tarballs[0]), tarballs
    return out / tarballs[0]


def tarball_members(tarball):
    with tarfile.open(str(tarball)) as tar:
        return tar.getnames()


def unwanted(names):
    return [name for name in names
            if re.match(r'(build|tests/output|\.pytest_cache)(/|$)', name)
            or re.search(r'(^|/)(\.git|__pycache__)(/|$)', name) or name.endswith('.pyc')]


def introspect(context, args, stages, collections_dir, tmp_path):
    """The builder stage's introspection of collections_dir (in the image: its default, IMAGE_SHARE/collections).

    Returns its report and the lines of the pip requirements file it wrote, which assemble pip-installs.
    """
    src = tmp_path / 'src'
    line = find_run(stages['builder'], 'introspect.py introspect')
    report = replay(line + ' ' + str(collections_dir), args, cwd=context / '_build', env=offline_env(tmp_path),
                    paths={'/output/scripts/': str(context / '_build' / 'scripts') + '/', '/tmp/src/': str(src) + '/'})
    pip_file = src / 'requirements.txt'
    # Written only when there is something to install.
    assert pip_file.is_file(), report
    return report, pip_file.read_text().splitlines()


def test_create_writes_a_context_that_installs_the_collection_and_its_requirements(tmp_path):
    context, stages, args = create_context(EE_FILE, tmp_path)

    with open(str(context / '_build' / 'requirements.yml')) as f:
        galaxy = yaml.safe_load(f)
    assert COLLECTION in [entry['name'] if isinstance(entry, dict) else entry
                          for entry in galaxy['collections']], galaxy

    # ansible-core >= 2.16 and ansible-runner, from pip, into the interpreter the EE names.
    refs = [Requirement(ref) for ref in args['ANSIBLE_INSTALL_REFS'].split()]
    assert {ref.name for ref in refs} == {'ansible-core', 'ansible-runner'}, refs
    core = [ref for ref in refs if ref.name == 'ansible-core'][0]
    assert not core.specifier.contains('2.15.13') and core.specifier.contains('2.16.0'), core
    assert os.path.isabs(args['PYCMD']), args
    if args.get('PYPKG'):
        # The interpreter the system package installs is the one everything else runs with.
        assert os.path.basename(args['PYCMD']) == args['PYPKG'].split()[0], args
    base = stages['base']
    assert 'RUN $PYCMD -m pip install --no-cache-dir $ANSIBLE_INSTALL_REFS' in base, base

    # galaxy stage: the requirements file goes in and the collections are installed from it.
    galaxy_stage = stages['galaxy']
    assert 'COPY _build /build' in galaxy_stage and 'WORKDIR /build' in galaxy_stage, galaxy_stage
    install = find_run(galaxy_stage, 'ansible-galaxy collection install')
    assert '-r requirements.yml' in install and '--collections-path "%s/collections"' % IMAGE_SHARE in install

    # builder stage: with the installed collections, introspect writes the pip requirements, assemble
    # pip-installs them (building wheels); the final stage installs those into the image.
    builder = stages['builder']
    assert 'COPY --from=galaxy %s %s' % (IMAGE_SHARE, IMAGE_SHARE) in builder, builder
    line = find_run(builder, 'introspect.py introspect')
    assert '--write-pip=/tmp/src/requirements.txt' in line, line
    assert builder.index(line) < builder.index('RUN /output/scripts/assemble'), builder
    final = stages['final']
    assert 'COPY --from=builder /output/ /output/' in final, final
    find_run(final, '/output/scripts/install-from-bindep')
    find_run(final, '/output/scripts/check_ansible $PYCMD')


def test_collection_requirements_reach_the_pip_install_step(tmp_path):
    context, stages, args = create_context(EE_FILE, tmp_path)
    tarball = build_tarball(tmp_path)
    names = tarball_members(tarball)
    assert 'meta/execution-environment.yml' in names and 'requirements.txt' in names, names
    assert unwanted(names) == [], names

    # What the galaxy stage would install from Galaxy, installed here from the tarball.
    collections = tmp_path / 'collections'
    run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--no-deps', '-p', str(collections),
         str(tarball)], cwd=tmp_path, env=offline_env(tmp_path))

    report, pip_lines = introspect(context, args, stages, collections, tmp_path)
    assert REQUESTS_LINE in yaml.safe_load(report)['python'], report
    assert REQUESTS_LINE in pip_lines, report


def test_tarball_recipe_of_the_readme_installs_offline(tmp_path):
    """README.md: a tarball instead of Galaxy, through additional_build_files and a `type: file` entry."""
    tarball = build_tarball(tmp_path)
    ee_dir = tmp_path / 'ee'
    ee_dir.mkdir()
    shutil.copy(str(tarball), str(ee_dir))
    with open(EE_FILE) as f:
        definition = yaml.safe_load(f)
    definition['additional_build_files'] = [{'src': tarball.name, 'dest': 'collections'}]
    definition['dependencies']['galaxy'] = {
        'collections': [{'name': 'collections/' + tarball.name, 'type': 'file'}]}
    with open(str(ee_dir / 'execution-environment.yml'), 'w') as f:
        yaml.safe_dump(definition, f)

    context, stages, args = create_context(ee_dir / 'execution-environment.yml', tmp_path)
    assert (context / '_build' / 'collections' / tarball.name).is_file()

    # The galaxy stage, replayed: `COPY _build /build`, then in /build the collection install.
    share = tmp_path / 'usr-share-ansible'
    share.mkdir()
    install = find_run(stages['galaxy'], 'ansible-galaxy collection install')
    replay(install, args, cwd=context / '_build', env=offline_env(tmp_path), paths={IMAGE_SHARE: share})
    collections = share / 'collections'
    assert (collections / 'ansible_collections' / 'apiauth' / 'vendors' / 'MANIFEST.json').is_file()

    # The builder stage's introspection of what was installed: the collection's requirements.
    report, pip_lines = introspect(context, args, stages, collections, tmp_path)
    assert REQUESTS_LINE in pip_lines, report


def test_build_ignore_keeps_work_files_out_of_the_tarball(tmp_path):
    """galaxy.yml build_ignore (and ansible-galaxy's own ignores) on a skeleton with decoys of each kind."""
    skeleton = tmp_path / 'skeleton' / 'ansible_collections' / 'apiauth' / 'vendors'
    skeleton.mkdir(parents=True)
    for name in ('galaxy.yml', 'README.md'):
        shutil.copy(os.path.join(COLLECTION_ROOT, name), str(skeleton / name))
    kept = ['plugins/modules/kept.py', 'meta/runtime.yml', 'requirements.txt', 'tests/unit/test_kept.py',
            'tests/simulator/kept.py', 'changelogs/changelog.yaml', 'docs/docsite/extra-docs.yml', '.ansible-lint']
    decoys = ['build/venv/bin/python', 'tests/output/junit/x.xml', '.git/HEAD', '.pytest_cache/v/x',
              'plugins/modules/__pycache__/kept.cpython-311.pyc', 'plugins/modules/stray.pyc',
              # tool caches (ansible-lint, hypothesis, ...), at the top and further down
              '.ansible/collections/x', 'tests/unit/.ansible/x', '.hypothesis/examples/x', 'tests/.hypothesis/x',
              '.cache/x', '.mypy_cache/x', 'tests/unit/.pytest_cache/x', '.ruff_cache/x',
              # development tooling and release inputs
              'Makefile', 'tools/x.sh', '.ci/run', 'requirements-test.txt', 'requirements-test-2.16.txt',
              'requirements-lint.txt', 'changelogs/fragments/1-x.yml', 'playbooks/demo.yml',
              'apiauth-vendors-0.9.0.tar.gz']
    for name in kept + decoys:
        path = skeleton / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(u'# %s\n' % name)

    names = tarball_members(build_tarball(tmp_path, source=str(skeleton)))
    assert unwanted(names) == [], names
    assert [name for name in decoys if name in names] == [], names
    caches = {'.ansible', '.hypothesis', '.cache', '.mypy_cache', '.ruff_cache', '.pytest_cache', 'tools', '.ci'}
    assert [name for name in names if caches & set(name.split('/'))] == [], names
    assert [name for name in kept if name not in names] == [], names
