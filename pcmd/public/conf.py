"""Limits of the public channel: settings PUBLIC_<NAME>, from the environment PCMD_PUBLIC_<NAME> (pcmd/settings.py)."""

from django.conf import settings

DEFAULTS = {
    "MAX_FILES": 5,  # attachments per submission or reply
    "MAX_FILE_MB": 10,  # per file
    "MAX_PIXELS": 40_000_000,  # pixels of all the images of one submission or reply, read from their headers
    "ATTEMPT_PER_CLIENT_HOUR": 20,  # posts of the tip and counselling forms per client per hour, valid or not
    "ATTEMPT_GLOBAL_HOUR": 3000,  # posts of those forms from everyone per hour
    "SUBMIT_PER_CLIENT_HOUR": 5,  # submissions (tips and counselling requests) per client per hour
    "SUBMIT_GLOBAL_HOUR": 600,  # submissions from everyone per hour
    "LOOKUP_PER_CLIENT_HOUR": 20,  # receipt look-ups and replies per client per hour
    "LOOKUP_GLOBAL_HOUR": 3000,  # receipt look-ups from everyone per hour
    "RESET_PER_CLIENT_HOUR": 5,  # "quên mật khẩu" requests per client per hour (pcmd.accounts)
    "RESET_GLOBAL_HOUR": 300,  # "quên mật khẩu" requests from everyone per hour
    "CHALLENGE_MAX_AGE": 2 * 3600,  # seconds a challenge stays valid
}


def limit(name: str) -> int:
    return int(getattr(settings, f"PUBLIC_{name}", DEFAULTS[name]))
