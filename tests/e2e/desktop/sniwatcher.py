#!/usr/bin/python3
"""A StatusNotifierWatcher stand-in for the e2e session (no panel runs under Xvfb).

  sniwatcher.py LOG

Owns org.kde.StatusNotifierWatcher, says a host is registered (so libayatana-appindicator
exports its item instead of falling back to an invisible XEmbed icon), and writes each
registration as a JSON line: {"kind": "registered", "t", "sender", "service", "path"}, and
{"kind": "gone", "t", "sender"} when that item's owner leaves the bus.
"""

import json
import sys
import time

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

NAME = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"
XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""


def main(log_path):
    log = open(log_path, "a", buffering=1, encoding="utf-8")
    items = {}  # sender -> "sender/path"
    node = Gio.DBusNodeInfo.new_for_xml(XML)

    def write(record):
        log.write(json.dumps(record) + "\n")

    def on_call(conn, sender, _path, _iface, member, params, invocation):
        if member == "RegisterStatusNotifierItem":
            (service,) = params.unpack()
            if service.startswith("/"):
                bus_name, path = sender, service
            else:
                bus_name, path = service, "/StatusNotifierItem"
            items[sender] = f"{bus_name}{path}"
            write({"kind": "registered", "t": time.time(), "sender": sender,
                   "service": bus_name, "path": path})
            invocation.return_value(None)
            conn.emit_signal(None, PATH, NAME, "StatusNotifierItemRegistered",
                             GLib.Variant("(s)", (items[sender],)))
        elif member == "RegisterStatusNotifierHost":
            invocation.return_value(None)
        else:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", member)

    def on_get(_conn, _sender, _path, _iface, prop):
        if prop == "RegisteredStatusNotifierItems":
            return GLib.Variant("as", list(items.values()))
        if prop == "IsStatusNotifierHostRegistered":
            return GLib.Variant("b", True)
        if prop == "ProtocolVersion":
            return GLib.Variant("i", 0)
        return None

    def on_owner_changed(conn, _sender, _path, _iface, _signal, params):
        name, _old, new = params.unpack()
        if not new and name in items:
            gone = items.pop(name)
            write({"kind": "gone", "t": time.time(), "sender": name})
            conn.emit_signal(None, PATH, NAME, "StatusNotifierItemUnregistered",
                             GLib.Variant("(s)", (gone,)))

    def on_bus(conn, _name):
        conn.register_object(PATH, node.interfaces[0], on_call, on_get, None)
        conn.signal_subscribe("org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
                              "/org/freedesktop/DBus", None, Gio.DBusSignalFlags.NONE,
                              on_owner_changed)

    loop = GLib.MainLoop()
    Gio.bus_own_name(Gio.BusType.SESSION, NAME, Gio.BusNameOwnerFlags.NONE, on_bus,
                     None, lambda *_: loop.quit())
    loop.run()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
