# -*- coding: utf-8 -*-
"""The token cache: private files, atomic replacement, and one writer at a time across processes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import multiprocessing
import os
import stat
import tempfile

import pytest

from ansible_collections.apiauth.vendors.plugins.module_utils.cache import FileTokenCache, TokenRecord, cache_key, default_directory
from ansible_collections.apiauth.vendors.plugins.module_utils.errors import ApiAuthError


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


def test_existing_directory_is_tightened(tmp_path):
    directory = tmp_path / 'loose'
    directory.mkdir(mode=0o755)
    FileTokenCache(str(directory))
    assert mode(str(directory)) == 0o700


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


def test_unreadable_record_counts_as_missing(tmp_path):
    cache = FileTokenCache(str(tmp_path))
    (tmp_path / 'k.json').write_text('{not json')
    with cache.slot('k') as slot:
        assert slot.read() is None


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
