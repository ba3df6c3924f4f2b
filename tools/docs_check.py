# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make docs-check: look at the built docs site (make docs) as a reader would, and fail on what renders broken.

- Screenshots of the front page and one plugin page with headless Chromium, into OUT (under build/, never the repo).
- No placeholder left: the generator's "Welcome to my Ansible collection" page, links to example.com.
- No broken reference: no Sphinx warning about a label of this collection (tools/build_docs.sh already fails on
  those), no "problematic" node in a page, no relative link or image to a file the site does not have.
- The front page says where to start (install, the three vendors, the lock, AWX) and shows the lock timeline.

    docs_check.py HTML_DIR WARNINGS_FILE OUT_DIR
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import unquote, urlsplit

PLUGIN_PAGE = 'collections/apiauth/vendors/vendor_request_module.html'
SHOTS = (('index.html', 'front_page.png'), (PLUGIN_PAGE, 'vendor_request_module.png'))
FRONT_PAGE_MUST_SAY = ('Quick start', 'BigFix Inventory', 'Oracle', 'BigID', 'configuration lock', 'AWX',
                       'images/sbc_lock_timeline.svg')
CHROMIUM_FLAGS = ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync',
                  '--hide-scrollbars')
LINK = re.compile(r'''(?:href|src)="([^"#]+)(?:#[^"]*)?"''')


def chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        path = shutil.which(name)
        if path:
            return path
    if os.geteuid() == 0 and shutil.which('apt-get'):
        print('docs-check: apt-get install chromium')
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        if subprocess.call(['apt-get', 'install', '-y', '-qq', 'chromium'], env=env, stdout=subprocess.DEVNULL) != 0:
            subprocess.check_call(['apt-get', 'update', '-qq'], stdout=subprocess.DEVNULL)
            subprocess.check_call(['apt-get', 'install', '-y', '-qq', 'chromium'], env=env, stdout=subprocess.DEVNULL)
        return shutil.which('chromium')
    sys.exit('docs-check: no chromium (Debian: apt-get install chromium)')


def screenshot(browser, page, png):
    profile = tempfile.mkdtemp(prefix='docs-check-chromium-')
    try:
        subprocess.run([browser] + list(CHROMIUM_FLAGS) + ['--user-data-dir=' + profile, '--window-size=1280,1600',
                                                           '--screenshot=' + png, 'file://' + page],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not os.path.exists(png) or os.path.getsize(png) < 20000:  # a blank or error page compresses to a few KB
        sys.exit('docs-check: the screenshot %s of %s looks blank' % (png, page))


def problems(html_dir, warnings_file):
    found = []
    if os.path.exists(warnings_file):
        with open(warnings_file, encoding='utf-8') as handle:
            for line in handle:
                if 'WARNING' in line and 'ansible_collections.apiauth.vendors' in line:
                    found.append('Sphinx: ' + line.strip())
    for page in sorted(glob.glob(os.path.join(html_dir, '**', '*.html'), recursive=True)):
        name = os.path.relpath(page, html_dir)
        with open(page, encoding='utf-8') as handle:
            text = handle.read()
        if 'Welcome to my Ansible collection' in text:
            found.append('%s: the generator\'s placeholder front page' % name)
        if re.search(r'''href="[a-z]+://[^"/]*example\.com[/"]''', text) and 'example.com/apiauth' in text:
            found.append('%s: a placeholder link to example.com' % name)
        if 'class="problematic"' in text:
            found.append('%s: a reference Sphinx could not resolve' % name)
        for target in LINK.findall(text):
            if urlsplit(target).scheme or target.startswith('//') or not urlsplit(target).path:
                continue
            path = os.path.normpath(os.path.join(os.path.dirname(page), unquote(urlsplit(target).path)))
            if not os.path.exists(path):
                found.append('%s: links to %s, which the site does not have' % (name, target))
    with open(os.path.join(html_dir, 'index.html'), encoding='utf-8') as handle:
        front = handle.read()
    found += ['index.html: the front page does not mention %r' % word for word in FRONT_PAGE_MUST_SAY if word not in front]
    return found


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    html_dir, warnings_file, out = sys.argv[1:]
    found = problems(html_dir, warnings_file)
    os.makedirs(out, exist_ok=True)
    browser = chromium()
    for page, png in SHOTS:
        screenshot(browser, os.path.join(os.path.abspath(html_dir), page), os.path.join(out, png))
        print('docs-check: %s -> %s' % (page, os.path.join(out, png)))
    if found:
        sys.exit('docs-check: %d problem(s):\n  %s' % (len(found), '\n  '.join(found)))
    print('docs-check: no placeholder, no broken reference or link; screenshots in %s' % out)


if __name__ == '__main__':
    main()
