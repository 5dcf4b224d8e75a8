"""../shared/anchor/anchor_driver.py with the Python gateway's virtual-thermostat emulator on, and
optionally its pairing requested right after start (the driver enables the emulator but never
requests pairing). Nothing of the driver or the gateway is copied: the driver is imported and run
as is; this only wraps the gateway's ProtocolHandler.start so that, with --request-pairing, it calls
the gateway's own request_thermostat_pairing() (what its POST /api/thermostat/pair does), and prints
the emulator's final pairing state as one more JSON line. bench/anchor-thermostat.ts runs it.

Usage: python3 bench/anchor_thermostat.py [--request-pairing] -- <anchor_driver.py arguments>
"""

import asyncio
import importlib.util
import json
import sys
from pathlib import Path

DRIVER = Path(__file__).resolve().parents[2] / "shared" / "anchor" / "anchor_driver.py"


def main() -> int:
    argv = sys.argv[1:]
    request = "--request-pairing" in argv
    argv = [a for a in argv if a != "--request-pairing"]
    if argv and argv[0] == "--":
        argv = argv[1:]
    spec = importlib.util.spec_from_file_location("anchor_driver", DRIVER)
    driver = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(driver)
    seen = {}
    load = driver.load_gateway

    def load_gateway(*args, **kwargs):
        gw = load(*args, **kwargs)
        handler_cls = sys.modules["econext_gateway.protocol.handler"].ProtocolHandler
        start = handler_cls.start

        async def start_and_pair(self, *a, **k):
            seen["handler"] = self
            result = await start(self, *a, **k)
            if request:
                seen["requested"] = self.request_thermostat_pairing()
            return result

        handler_cls.start = start_and_pair
        return gw

    driver.load_gateway = load_gateway
    try:
        code = driver.main(argv)
    finally:
        handler = seen.get("handler")
        emulator = getattr(handler, "_thermostat", None)
        print(
            json.dumps(
                {
                    "thermostat": {
                        "pairing_requested": seen.get("requested"),
                        "state": getattr(handler, "_thermostat_reg_state", None),
                        "address": getattr(emulator, "address", None),
                    }
                }
            ),
            flush=True,
        )
    return code


if __name__ == "__main__":
    sys.exit(main())
