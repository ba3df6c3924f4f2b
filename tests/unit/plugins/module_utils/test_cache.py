# -*- coding: utf-8 -*-
"""The token cache: private files, atomic replacement, and one writer at a time across processes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import multiprocessing
import os
import stat
import tempfile

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils._cache import FileTokenCache
from ansible_collections.apiauth.vendors.plugins.module_utils._store_file import default_directory
from ansible_collections.apiauth.vendors.plugins.module_utils._token_record import TokenRecord, cache_key
from ansible_collections.apiauth.vendors.plugins.module_utils._errors import ApiAuthError


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_are_private(tmp_path):
    directory = tmp_path / 'cache'
    cache = FileTokenCache(str(directory))
    key = cache_key('oracle_sbc', 'https://sbc', 'admin')
    with cache.slot(key) as slot:
        slot.write(TokenRecord('tok', expires_at=123.0, data={'locked': True}))
    assert mode(str(directory)) == 0o700
    assert mode(str(directory / (key + '.json'))) == 0o600
    assert mode(str(directory / (key + '.lock'))) == 0o600
    assert sorted(os.listdir(str(directory))) == sorted([key + '.json', key + '.lock'])  # no temp files left
    with cache.slot(key) as slot:
        record = slot.read()
    assert (record.token, record.expires_at, record.data) == ('tok', 123.0, {'locked': True})


def test_a_directory_open_to_others_is_refused(tmp_path):
    directory = tmp_path / 'loose'
    directory.mkdir()
    os.chmod(str(directory), 0o755)
    with pytest.raises(ApiAuthError) as err:
        FileTokenCache(str(directory))
    assert 'open to other users (mode 0755)' in str(err.value) and 'chmod go=' in str(err.value)


def _record_file(cache, key, content, file_mode=0o600):
    path = os.path.join(cache.directory, key + '.json')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, file_mode)
    with os.fdopen(fd, 'wb' if isinstance(content, bytes) else 'w') as handle:
        handle.write(content)
    os.chmod(path, file_mode)
    return path


def test_a_token_file_open_to_others_is_refused(tmp_path):
    cache = FileTokenCache(str(tmp_path / 'c'))
    _record_file(cache, 'k', '{"format": 1, "token": "tok"}', file_mode=0o644)
    with pytest.raises(ApiAuthError) as err:
        with cache.slot('k') as slot:
            slot.read()
    assert 'open to other users (mode 0644)' in str(err.value)


@pytest.mark.skipif(os.geteuid() != 0, reason='only root can give a file to another user')
def test_a_token_file_of_another_user_is_refused(tmp_path):
    cache = FileTokenCache(str(tmp_path / 'c'))
    path = _record_file(cache, 'k', '{"format": 1, "token": "tok"}')
    os.chown(path, 4242, 4242)
    with pytest.raises(ApiAuthError) as err:
        with cache.slot('k') as slot:
            slot.read()
    assert 'belongs to another user (uid 4242)' in str(err.value)


def test_a_symlinked_token_file_is_refused(tmp_path):
    cache = FileTokenCache(str(tmp_path / 'c'))
    (tmp_path / 'elsewhere.json').write_text('{"format": 1, "token": "planted"}')
    os.symlink(str(tmp_path / 'elsewhere.json'), os.path.join(cache.directory, 'k.json'))
    with pytest.raises(ApiAuthError) as err:
        with cache.slot('k') as slot:
            slot.read()
    assert 'cannot read token cache file' in str(err.value)


def test_default_directory_is_under_home(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    (tmp_path / 'home').mkdir()
    assert default_directory() == str(tmp_path / 'home' / '.cache' / 'apiauth_vendors')


@pytest.mark.parametrize('home', ['/', 'read-only'])
def test_default_directory_falls_back_to_temp_when_home_is_unusable(tmp_path, monkeypatch, home):
    # Execution environment images may run jobs as an arbitrary user whose home is / or read-only.
    if home == 'read-only':
        home = str(tmp_path / 'ro-home')
        os.mkdir(home)
        real_access = os.access
        # Permission bits do not stop root, so the home is made read-only where the cache asks.
        monkeypatch.setattr(os, 'access', lambda path, how: False if path.startswith(home) else real_access(path, how))
    monkeypatch.setenv('HOME', home)
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path / 'tmp'))
    assert default_directory() == str(tmp_path / 'tmp' / ('apiauth_vendors-%d' % os.getuid()))


def test_key_reveals_neither_url_nor_principal():
    key = cache_key('bigid', 'https://bigid.example.com', 'user:alice')
    assert key.startswith('bigid-') and 'alice' not in key and 'example' not in key
    assert key != cache_key('bigid', 'https://bigid.example.com', 'user:bob')


@pytest.mark.parametrize('content', ['{not json', '{"format": 1, "tok', '', '\x00\x00\x00', '{"format": 1}', '[]',
                                     b'{"format": 2, "token": "\xff\xfe"}'],
                         ids=['garbage', 'truncated', 'empty', 'zeros', 'no-token', 'not-a-record', 'not-utf-8'])
def test_a_corrupted_record_is_discarded_with_a_warning(tmp_path, content):
    warnings = []
    cache = FileTokenCache(str(tmp_path / 'c'), warn=warnings.append)
    path = _record_file(cache, 'k', content)
    with cache.slot('k') as slot:
        assert slot.read() is None
    assert len(warnings) == 1 and 'discarded the unreadable token cache file %s' % path in warnings[0]
    assert not os.path.exists(path)


def test_cache_path_that_is_a_file_is_a_clear_error(tmp_path):
    target = tmp_path / 'file'
    target.write_text('x')
    with pytest.raises(ApiAuthError) as err:
        FileTokenCache(str(target))
    assert 'not a directory' in str(err.value)


def _login_once(directory, key, counter):
    """What VendorSession does under the slot: reuse if present, else 'log in' and store."""
    cache = FileTokenCache(directory)
    with cache.slot(key) as slot:
        if slot.read() is None:
            with open(counter, 'a') as handle:
                handle.write('login\n')
            slot.write(TokenRecord('tok-%d' % os.getpid()))
        return slot.read().token


def test_parallel_processes_log_in_once(tmp_path):
    counter = str(tmp_path / 'logins')
    ctx = multiprocessing.get_context('fork')
    procs = [ctx.Process(target=_login_once, args=(str(tmp_path / 'c'), 'key', counter)) for _dummy in range(8)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(20)
        assert proc.exitcode == 0
    with open(counter) as handle:
        assert handle.read().count('login') == 1


def test_lock_wait_is_bounded(tmp_path):
    holder = FileTokenCache(str(tmp_path), lock_timeout=0.2)
    waiter = FileTokenCache(str(tmp_path), lock_timeout=0.2)
    with holder.slot('k'):
        with pytest.raises(ApiAuthError) as err:
            with waiter.slot('k'):
                pass
    assert 'timed out' in str(err.value)
