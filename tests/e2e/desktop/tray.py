#!/usr/bin/python3
"""Reads and clicks the app's tray item over D-Bus, as a panel would.

  tray.py show            {"item": {StatusNotifierItem properties}, "menu": {dbusmenu layout}}
  tray.py click ID        sends dbusmenu Event(ID, "clicked") to the item's menu

The item is the latest one registered with sniwatcher.py (log in $CALLPOP_E2E_SNI_LOG) whose
owner is still on the bus. Menu nodes: {"id", "label", "enabled", "visible", "type",
"children"}. Exit status 3 when no live item is registered.
"""

import json
import os
import sys
import time

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

ITEM_IFACE = "org.kde.StatusNotifierItem"
MENU_IFACE = "com.canonical.dbusmenu"


def call(bus, dest, path, iface, member, args, reply_type):
    return bus.call_sync(dest, path, iface, member, args, GLib.VariantType(reply_type),
                         Gio.DBusCallFlags.NONE, 5000, None).unpack()


def live_item(bus):
    with open(os.environ["CALLPOP_E2E_SNI_LOG"], encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for record in reversed(records):
        if record.get("kind") != "registered":
            continue
        (alive,) = call(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                        "org.freedesktop.DBus", "NameHasOwner",
                        GLib.Variant("(s)", (record["service"],)), "(b)")
        if alive:
            return record["service"], record["path"]
    return None


def node(layout):
    ident, props, children = layout
    label = props.get("label", "")
    return {
        "id": ident,
        "label": label.replace("_", "") if isinstance(label, str) else label,
        "enabled": props.get("enabled", True),
        "visible": props.get("visible", True),
        "type": props.get("type", "standard"),
        "children": [node(c) for c in children],
    }


def main(argv):
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    found = live_item(bus)
    if found is None:
        print(json.dumps({"error": "no tray item registered"}))
        return 3
    service, path = found
    (props,) = call(bus, service, path, "org.freedesktop.DBus.Properties", "GetAll",
                    GLib.Variant("(s)", (ITEM_IFACE,)), "(a{sv})")
    menu_path = props.get("Menu", "/MenuBar")
    if argv[:1] == ["show"]:
        try:
            call(bus, service, menu_path, MENU_IFACE, "AboutToShow", GLib.Variant("(i)", (0,)), "(b)")
        except GLib.Error:
            pass
        _revision, layout = call(bus, service, menu_path, MENU_IFACE, "GetLayout",
                                 GLib.Variant("(iias)", (0, -1, [])), "(u(ia{sv}av))")
        item = {k: v for k, v in props.items() if isinstance(v, (str, int, bool))}
        item["service"] = service
        item["path"] = path
        print(json.dumps({"item": item, "menu": node(layout)}, ensure_ascii=False))
        return 0
    if len(argv) == 2 and argv[0] == "click":
        call(bus, service, menu_path, MENU_IFACE, "Event",
             GLib.Variant("(isvu)", (int(argv[1]), "clicked", GLib.Variant("i", 0), int(time.time()))),
             "()")
        print(json.dumps({"clicked": int(argv[1])}))
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
