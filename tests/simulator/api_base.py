"""What every simulated vendor API shares: the state it works on and which paths it serves."""


class VendorApi:
    """Base of SbcApi, BigFixApi and BigIdApi; handlers are called with State.lock held."""

    vendor = None
    paths = ()     # exact paths served
    prefixes = ()  # path prefixes served

    def __init__(self, state):
        self.state = state

    @classmethod
    def owns(cls, path):
        """True for paths this API serves."""
        return path in cls.paths or path.startswith(cls.prefixes)
