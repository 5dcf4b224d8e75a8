"""Runs the Home Assistant integration's own API client (econext, custom_components/econext/api.py)
against a running gateway: its three virtual-thermostat calls, as HA's coordinator and its
"Pairing" switch make them (HA-COMPAT.md §8). Nothing of the client is copied: its api.py is loaded
from the integration's source; only what Home Assistant itself would provide is stubbed (the
`homeassistant` package its const.py imports names from). Prints one JSON object per step.

Usage: python3 scripts/ha_thermostat_client.py --src DIR --base-port PORT [--host 127.0.0.1]
       (DIR holds custom_components/econext/; bench/ha-client.ts runs it against gm3 serve + gm3 sim)
"""

import argparse
import asyncio
import importlib
import json
import math
import sys
import time
import types


class _AnyName(type):
    """A class standing in for any name HA's packages export: its attributes are such classes too
    (enum members like SensorDeviceClass.TEMPERATURE), and it can be called and used in `X | None`."""

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _AnyName(f"{cls.__name__}.{name}", (), {})

    def __call__(cls, *args, **kwargs):
        return cls


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _AnyName(f"{self.__name__}.{name}", (), {})


def stub_homeassistant():
    for name in [
        "homeassistant",
        "homeassistant.const",
        "homeassistant.components",
        "homeassistant.components.sensor",
    ]:
        module = _StubModule(name)
        module.__path__ = []  # a package, so submodules import
        sys.modules[name] = module


def load_client(src):
    sys.path.insert(0, src)
    stub_homeassistant()
    # custom_components/econext/__init__.py imports all of HA; load api.py without running it.
    package = types.ModuleType("custom_components.econext")
    package.__path__ = [f"{src}/custom_components/econext"]
    sys.modules["custom_components"] = types.ModuleType("custom_components")
    sys.modules["custom_components"].__path__ = [f"{src}/custom_components"]
    sys.modules["custom_components.econext"] = package
    return importlib.import_module("custom_components.econext.api")


def say(step, **fields):
    print(json.dumps({"step": step, "t": round(time.monotonic() - START, 1), **fields}), flush=True)


START = time.monotonic()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--temperature", type=float, default=21.7)
    args = parser.parse_args()
    api_module = load_client(args.src)
    import aiohttp

    async with aiohttp.ClientSession() as session:
        api = api_module.EconextApi(args.host, args.port, session)
        say("status", status=await api.async_get_thermostat_status())
        say("pair", accepted=await api.async_request_thermostat_pair())
        say("pair-again", accepted=await api.async_request_thermostat_pair())
        # The Pairing switch: status every 3 s for up to 90 s until paired. The coordinator's cycle
        # (every 10 s) submits the temperature meanwhile.
        paired = None
        deadline = time.monotonic() + 90
        last_submit = 0.0
        while time.monotonic() < deadline:
            if time.monotonic() - last_submit >= 10:
                last_submit = time.monotonic()
                say("temperature", accepted=await api.async_submit_thermostat_temperature(args.temperature))
            status = await api.async_get_thermostat_status()
            if status and status.get("pairing_state") == "paired":
                paired = status
                break
            await asyncio.sleep(3)
        say("paired", status=paired)
        say("temperature", accepted=await api.async_submit_thermostat_temperature(args.temperature))
        say("status", status=await api.async_get_thermostat_status())
        # What HA would send from a broken sensor (the client passes any float on).
        say("temperature-bad", value=75.0, accepted=await api.async_submit_thermostat_temperature(75.0))
        try:
            nan = await api.async_submit_thermostat_temperature(math.nan)
        except Exception as error:  # aiohttp may refuse to serialise NaN itself
            nan = f"client raised {type(error).__name__}: {error}"
        say("temperature-bad", value="NaN", accepted=nan)
        say("status", status=await api.async_get_thermostat_status())


asyncio.run(main())
