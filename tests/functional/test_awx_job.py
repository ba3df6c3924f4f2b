# -*- coding: utf-8 -*-
"""Jobs run the way AWX runs them: ansible-runner with a private data dir, the shipped job-template
playbooks synced into its project/, credentials only as the environment variables the shipped credential
types inject, and extra vars in env/extravars with survey answers marked !unsafe. Then: no secret in the
job's events or artifacts, and no token anywhere under the private data dir (the project included)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import shutil
import stat
import sys

import ansible_runner
import jsonschema
import pytest
import yaml
from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from playbook_runner import COLLECTION_ROOT, ansible_playbook
from secret_scan import SecretScan

AWX = os.path.join(COLLECTION_ROOT, 'extensions', 'awx')
JOB_TIMEOUT = 180
VERBOSITY = 4  # AWX "Connection Debug": the most a job template shows of module arguments and results
INPUTS = {
    'oracle_sbc': {'username': 'admin', 'password': 'sbc-admin-pass'},
    'bigfix_inventory': {'username': 'bfi-user', 'password': 'bfi-pass'},
    'bigid': {'user_token': 'bigid-user-token-0123456789'},
}
SPEC_ENV = {
    'oracle_sbc': {'ORACLE_SBC_URL', 'ORACLE_SBC_USERNAME', 'ORACLE_SBC_PASSWORD'},
    'bigfix_inventory': {'BIGFIX_INVENTORY_URL', 'BIGFIX_INVENTORY_USERNAME', 'BIGFIX_INVENTORY_PASSWORD',
                         'BIGFIX_INVENTORY_TOKEN'},
    'bigid': {'BIGID_URL', 'BIGID_USER_TOKEN', 'BIGID_USERNAME', 'BIGID_PASSWORD'},
}
# What AWX checks when a credential type is created (awx/main/fields.py CredentialTypeInputField and
# CredentialTypeInjectorField, awx/main/constants.py ENV_BLOCKLIST, the kind check of the API serializer),
# restated: a type AWX would refuse must fail here.
AWX_NAME = r'^[a-zA-Z_]+[a-zA-Z0-9_]*$'
AWX_INPUTS_SCHEMA = {
    'type': 'object', 'additionalProperties': False,
    'properties': {
        'required': {'type': 'array', 'items': {'type': 'string'}},
        'fields': {'type': 'array', 'items': {
            'type': 'object', 'additionalProperties': False, 'required': ['id', 'label'],
            'properties': {
                'type': {'enum': ['string', 'boolean']}, 'format': {'enum': ['ssh_private_key', 'url']},
                'choices': {'type': 'array', 'minItems': 1, 'items': {'type': 'string'}, 'uniqueItems': True},
                'id': {'type': 'string', 'pattern': AWX_NAME}, 'label': {'type': 'string'},
                'help_text': {'type': 'string'}, 'multiline': {'type': 'boolean'}, 'secret': {'type': 'boolean'},
                'ask_at_runtime': {'type': 'boolean'}, 'default': {}}}}}}
AWX_INJECTORS_SCHEMA = {
    'type': 'object', 'additionalProperties': False,
    'properties': {
        'file': {'type': 'object', 'additionalProperties': False,
                 'patternProperties': {r'^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$': {'type': 'string'}}},
        'env': {'type': 'object', 'additionalProperties': False,
                'patternProperties': {AWX_NAME: {'type': 'string', 'pattern': '^[\x00-\x7F]*$'}}},
        'extra_vars': {'type': 'object'}}}
AWX_ENV_BLOCKLIST = {'VIRTUAL_ENV', 'PATH', 'PYTHONPATH', 'JOB_ID', 'INVENTORY_ID', 'INVENTORY_SOURCE_ID',
                     'INVENTORY_UPDATE_ID', 'AD_HOC_COMMAND_ID', 'REST_API_URL', 'REST_API_TOKEN', 'MAX_EVENT_RES',
                     'CALLBACK_QUEUE', 'CALLBACK_CONNECTION', 'CACHE', 'JOB_CALLBACK_DEBUG', 'INVENTORY_HOSTVARS',
                     'AWX_HOST', 'PROJECT_REVISION', 'SUPERVISOR_CONFIG_PATH'}


def credential_type(vendor):
    with open(os.path.join(AWX, 'credential_types', vendor + '.yml')) as handle:
        return yaml.safe_load(handle)


def inject(vendor, inputs):
    """The environment AWX injects for a credential of the shipped type: its env injectors rendered
    in a sandbox over the credential's inputs (fields left empty are left out, so they render empty)."""
    definition = credential_type(vendor)
    env = ImmutableSandboxedEnvironment()
    namespace = dict((name, value) for name, value in inputs.items() if len(value))
    return dict((name, env.from_string(template).render(**namespace))
                for name, template in definition['injectors']['env'].items())


def awx_refusals(definition):
    """Why AWX would refuse to create this credential type (empty if it would accept it)."""
    refusals = []
    if definition.get('kind') not in ('cloud', 'net'):
        refusals.append("kind must be 'cloud' or 'net'")
    for part, schema in (('inputs', AWX_INPUTS_SCHEMA), ('injectors', AWX_INJECTORS_SCHEMA)):
        refusals.extend('%s: %s' % (part, error.message)
                        for error in jsonschema.Draft4Validator(schema).iter_errors(definition.get(part, {})))
    ids = [field.get('id') for field in definition['inputs'].get('fields', [])]
    if 'tower' in ids or len(set(ids)) != len(ids):
        refusals.append('field ids must be unique and not "tower"')
    for field in definition['inputs'].get('fields', []):
        if field.get('type', 'string') != 'string' and set(field) & {'choices', 'multiline', 'format', 'secret'}:
            refusals.append('%s: choices/multiline/format/secret only for strings' % field['id'])
    namespace = dict((name, 'EXAMPLE') for name in ids)
    for name, template in definition['injectors'].get('env', {}).items():
        if name.startswith('ANSIBLE_') or name in AWX_ENV_BLOCKLIST:
            refusals.append('%s may not be injected' % name)
        try:
            ImmutableSandboxedEnvironment(undefined=StrictUndefined).from_string(template).render(namespace)
        except UndefinedError as exc:
            refusals.append('%s uses an undefined field (%s)' % (name, exc))
    return refusals


def awx_extra_vars(template_name, survey):
    """env/extravars as AWX writes it: its own job variables, then the survey answers tagged !unsafe."""
    job_vars = {}
    for prefix in ('awx', 'tower'):
        job_vars.update({
            prefix + '_job_id': 42, prefix + '_job_launch_type': 'manual', prefix + '_job_template_id': 7,
            prefix + '_job_template_name': template_name, prefix + '_user_name': 'netops', prefix + '_user_id': 3,
            prefix + '_inventory_id': 1, prefix + '_inventory_name': 'Demo Inventory', prefix + '_project_revision': 'abc123',
        })
    text = yaml.safe_dump(job_vars, default_flow_style=False)
    for name, value in survey.items():
        text += '%s: !unsafe %s\n' % (name, json.dumps(value))
    return text


@pytest.fixture
def awx_job(simulator, tmp_path, monkeypatch, request):
    """run(playbook, survey, vendors) -> the finished ansible_runner Runner of an AWX-style job."""
    collections = request.getfixturevalue('_collections')
    # ansible-runner starts from this process's environment; an AWX job starts from the EE's, which has none of these.
    for name in list(os.environ):
        if name.startswith(('ANSIBLE_', 'ORACLE_SBC_', 'BIGFIX_INVENTORY_', 'BIGID_', 'APIAUTH_')):
            monkeypatch.delenv(name)
    private = tmp_path / 'private_data_dir'
    home = tmp_path / 'home'  # the job user's home in the EE container
    home.mkdir()

    def run(playbook, survey, vendors, inputs=None):
        """vendors: whose credentials the job template has; inputs: a vendor's credential fields, if not INPUTS'."""
        project = private / 'project'
        os.makedirs(str(project))
        shutil.copy(os.path.join(AWX, 'job_templates', playbook), str(project))  # the project sync
        os.makedirs(str(private / 'inventory'))
        (private / 'inventory' / 'hosts').write_text('localhost ansible_connection=local ansible_python_interpreter=%s\n'
                                                     % sys.executable)
        os.makedirs(str(private / 'env'))
        (private / 'env' / 'extravars').write_text(awx_extra_vars(playbook, survey))
        envvars = {
            'HOME': str(home),
            'PATH': os.path.dirname(ansible_playbook()) + os.pathsep + os.environ.get('PATH', ''),
            'ANSIBLE_COLLECTIONS_PATH': collections,
            'ANSIBLE_FORCE_COLOR': 'False',
            'ANSIBLE_RETRY_FILES_ENABLED': 'False',
            'ANSIBLE_HOST_KEY_CHECKING': 'False',
            'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-tmp'),
            'JOB_ID': '42',
            'AWX_HOST': 'https://awx.example.com',
            # AWX's Extra Environment Variables (or the EE image): the simulator's private CA, as for an internal CA.
            'APIAUTH_CA_PATH': simulator.ca_path,
        }
        for vendor in vendors:
            envvars.update(inject(vendor, dict((inputs or {}).get(vendor, INPUTS[vendor]), url=simulator.url)))
        return ansible_runner.run(
            private_data_dir=str(private), playbook=playbook, ident='42', envvars=envvars, verbosity=VERBOSITY,
            quiet=True, suppress_env_files=True,
            settings={'job_timeout': JOB_TIMEOUT, 'suppress_ansible_output': True})

    run.private = private
    run.home = home
    return run


def assert_no_secret(run, job, simulator, token_label='issued'):
    """token_label: how the scan labels the job's token (BigFix Inventory's is the user's own 'API token')."""
    scan = SecretScan(simulator)
    assert any(token_label in label for label in scan.secrets().values()), 'the job obtained no token'
    events = [json.dumps(event) for event in job.events]
    assert len(events) > 10
    assert [scan.found(event) for event in events if scan.found(event)] == [], 'a secret is in a job event'
    with open(job.stdout.name) as handle:
        assert scan.found(handle.read()) == [], 'a secret is in the job output'
    # Everything in the private data dir (project, inventory, env, artifacts): no secret at all, except that
    # artifacts/<ident>/command holds the passwords and user token, never a token issued to the job: ansible-runner
    # itself records the job's environment there (AWX's credential injection, mode 0600, not ours to change).
    leaks = scan.found_in_tree(run.private)
    command = [path for path in leaks if path.endswith(os.sep + 'command')]
    assert [label for path in command for label in leaks.pop(path) if 'issued' in label] == []
    assert leaks == {}


def assert_cache_in_home(run, simulator):
    cache = run.home / '.cache' / 'apiauth_vendors'
    assert stat.S_IMODE(os.stat(str(cache)).st_mode) == 0o700
    records = glob.glob(str(cache / '*.json'))
    assert records and all(stat.S_IMODE(os.stat(name).st_mode) == 0o600 for name in records)


def test_awx_accepts_the_credential_types():
    for vendor in SPEC_ENV:
        assert awx_refusals(credential_type(vendor)) == [], vendor
    # The check can fail: what AWX refuses, it refuses.
    broken = credential_type('bigid')
    broken['injectors']['env'].update({'ANSIBLE_CONFIG': '{{ url }}', 'BIGID_X': '{{ no_such_field }}'})
    broken['inputs']['fields'].append({'id': 'url', 'label': 'again', 'mystery': True})
    assert len(awx_refusals(broken)) == 4


def test_credential_types_inject_the_spec_environment_variables():
    for vendor, names in SPEC_ENV.items():
        definition = credential_type(vendor)
        assert set(definition['injectors']['env']) == names
        fields = dict((field['id'], field) for field in definition['inputs']['fields'])
        secret_fields = set(name for name, field in fields.items() if field.get('secret'))
        assert secret_fields == set(('password', 'token', 'user_token')) & set(fields)
        assert set(definition['inputs'].get('required', [])) <= set(fields)
    # A BigFix credential with only a token (single sign-on) injects empty user and password, read as unset.
    env = inject('bigfix_inventory', {'url': 'https://bfi', 'token': 'sso'})
    assert env['BIGFIX_INVENTORY_USERNAME'] == '' and env['BIGFIX_INVENTORY_TOKEN'] == 'sso'


def test_sbc_change_job_holds_the_lock_and_leaks_nothing(simulator, awx_job):
    job = awx_job('sbc_add_realm.yml', {'realm_name': 'awx-edge-1', 'realm_description': 'added by AWX',
                                        'sbc_activate': True}, vendors=('oracle_sbc', 'bigid'))
    assert (job.status, job.rc) == ('successful', 0), job.stdout.read()
    entries = simulator.journal_entries(vendor='oracle_sbc')
    kinds = [e['kind'] for e in entries if e['kind'] != 'operation_status']
    # declarative: one read of the realms before the write, one after the unlock (each a page, then the next offset
    # to see there is no more: the reply has no next-page link)
    assert kinds == ['login', 'lock', 'config_read', 'config_read', 'config_write', 'management', 'management', 'management',
                     'unlock', 'config_read', 'config_read']
    assert all(e['is_lock_owner'] for e in entries if e['kind'] == 'config_write')
    assert simulator.state_snapshot()['lock']['owner_fp'] is None
    assert 'awx-edge-1' in simulator.state_snapshot()['config']['elements']['realm-config']
    stats = [e for e in job.events if e['event'] == 'playbook_on_stats'][0]['event_data']['artifact_data']
    assert stats['sbc_realm_added'] == 'awx-edge-1'
    assert int(stats['sbc_realm_count']) == 3  # the two seeded realms and the new one, read back after the unlock
    assert_no_secret(awx_job, job, simulator)
    assert_cache_in_home(awx_job, simulator)


def test_bigid_inventory_job_exchanges_once_and_leaks_nothing(simulator, awx_job):
    job = awx_job('bigid_data_sources.yml', {'bigid_location': 'EU'}, vendors=('bigid',))
    assert (job.status, job.rc) == ('successful', 0), job.stdout.read()
    kinds = [e['kind'] for e in simulator.journal_entries(vendor='bigid')]
    assert kinds.count('exchange') == 1, kinds
    stats = [e for e in job.events if e['event'] == 'playbook_on_stats'][0]['event_data']['artifact_data']
    assert stats['bigid_data_sources'] == ['crm-postgres']
    assert_no_secret(awx_job, job, simulator)
    assert_cache_in_home(awx_job, simulator)


def test_bigfix_job_logs_in_once_and_leaks_nothing(simulator, awx_job):
    job = awx_job('bigfix_computers.yml', {}, vendors=('bigfix_inventory',))
    assert (job.status, job.rc) == ('successful', 0), job.stdout.read()
    assert [e['kind'] for e in simulator.journal_entries(vendor='bigfix_inventory')].count('login') == 1
    stats = [e for e in job.events if e['event'] == 'playbook_on_stats'][0]['event_data']['artifact_data']
    assert stats['bigfix_computers'] == ['app-server-01', 'db-server-01']
    assert_no_secret(awx_job, job, simulator, token_label='API token of bfi-user')


def test_bigfix_credential_with_only_a_url_fails_naming_the_fields(simulator, awx_job):
    # AWX requires only the URL (single sign-on users have a token instead of a login), so it accepts this credential.
    job = awx_job('bigfix_computers.yml', {}, vendors=('bigfix_inventory',), inputs={'bigfix_inventory': {}})
    assert (job.status, job.rc) == ('failed', 2)
    output = job.stdout.read()
    assert 'missing username for vendor bigfix_inventory' in output, output
    assert 'fill Username and Password, or API token (single sign-on)' in output
    assert 'Traceback' not in output
    assert simulator.journal_entries(vendor='bigfix_inventory') == []


def test_bigid_credential_with_username_and_password_logs_in_by_session(simulator, awx_job):
    job = awx_job('bigid_data_sources.yml', {}, vendors=('bigid',),
                  inputs={'bigid': {'username': 'bigid-admin', 'password': 'bigid-pass'}})
    assert (job.status, job.rc) == ('successful', 0), job.stdout.read()
    kinds = [e['kind'] for e in simulator.journal_entries(vendor='bigid')]
    assert 'exchange' not in kinds and kinds.count('session') == 1, kinds
    assert_no_secret(awx_job, job, simulator)
