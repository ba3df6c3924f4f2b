# -*- coding: utf-8 -*-
# Copyright: contributors to the apiauth.vendors collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Oracle SBC's features above the session: the configuration lock, its ownership and keeper, the run identity,
the re-authentication shapes and the configuration elements. The generic layers never import this package."""
