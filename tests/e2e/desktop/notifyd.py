#!/usr/bin/python3
"""Desktop notifications for the e2e session, as JSON lines a test can read.

  notifyd.py monitor LOG   records, as a D-Bus monitor (org.freedesktop.DBus.Monitoring), every
                           Notify call with the id the server answered, every
                           CloseNotification and every ActionInvoked / NotificationClosed
                           signal, whatever server runs (the stub below or the real dunst).
  notifyd.py serve         a notification server owning org.freedesktop.Notifications that
                           shows nothing and is fully deterministic; with capabilities
                           "actions" and "body". A test makes it emit ActionInvoked with
                             dbus-send --session --print-reply \
                               --dest=org.freedesktop.Notifications \
                               /org/freedesktop/Notifications \
                               org.callpop.E2E.InvokeAction uint32:ID string:KEY

Each record is one line: {"kind": "notify", "t": <unix seconds, float>, "sender", "app_name",
"replaces_id", "app_icon", "summary", "body", "actions": [...], "urgency", "expire_timeout",
"id"}; {"kind": "close", "t", "id"}; {"kind": "action", "t", "id", "action"};
{"kind": "closed", "t", "id", "reason"}. The monitor writes {"kind": "ready"} once it listens.
"""

import json
import sys
import threading
import time

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

IFACE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


def monitor(log_path):
    log = open(log_path, "a", buffering=1, encoding="utf-8")
    lock = threading.Lock()
    pending = {}  # (caller, serial) -> record waiting for the server's answer

    def write(record):
        with lock:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")

    address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None)
    conn = Gio.DBusConnection.new_for_address_sync(
        address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None,
        None,
    )

    monitoring = {"on": False}

    def on_message(_conn, message, incoming):
        if not incoming:
            return message
        if not monitoring["on"]:
            # Until the bus answers BecomeMonitor (the only call made), messages are ours.
            if (message.get_message_type() == Gio.DBusMessageType.METHOD_RETURN
                    and message.get_sender() == "org.freedesktop.DBus"):
                monitoring["on"] = True
            return message
        try:
            handle(message)
        except Exception as e:  # keep recording whatever one odd message does
            print(f"notifyd monitor: {e!r}", file=sys.stderr, flush=True)
        return None  # a monitor never dispatches or answers anything

    def handle(message):
        kind = message.get_message_type()
        now = time.time()
        if kind == Gio.DBusMessageType.METHOD_CALL and message.get_interface() == IFACE:
            member = message.get_member()
            body = message.get_body()
            args = body.unpack() if body is not None else ()
            if member == "Notify" and len(args) == 8:
                app_name, replaces_id, icon, summary, text, actions, hints, timeout = args
                urgency = hints.get("urgency")
                pending[(message.get_sender(), message.get_serial())] = {
                    "kind": "notify",
                    "t": now,
                    "sender": message.get_sender(),
                    "app_name": app_name,
                    "replaces_id": replaces_id,
                    "app_icon": icon,
                    "summary": summary,
                    "body": text,
                    "actions": list(actions),
                    "urgency": urgency,
                    "expire_timeout": timeout,
                    "id": None,
                }
            elif member == "CloseNotification" and len(args) == 1:
                write({"kind": "close", "t": now, "id": args[0]})
        elif kind in (Gio.DBusMessageType.METHOD_RETURN, Gio.DBusMessageType.ERROR):
            record = pending.pop((message.get_destination(), message.get_reply_serial()), None)
            if record is None:
                return
            if kind == Gio.DBusMessageType.METHOD_RETURN:
                body = message.get_body()
                record["id"] = body.unpack()[0] if body is not None else None
            else:
                record["error"] = message.get_error_name()
            write(record)
        elif kind == Gio.DBusMessageType.SIGNAL and message.get_interface() == IFACE:
            body = message.get_body()
            args = body.unpack() if body is not None else ()
            if message.get_member() == "ActionInvoked" and len(args) == 2:
                write({"kind": "action", "t": now, "id": args[0], "action": args[1]})
            elif message.get_member() == "NotificationClosed" and len(args) == 2:
                write({"kind": "closed", "t": now, "id": args[0], "reason": args[1]})

    conn.add_filter(on_message)
    rules = [
        f"type='method_call',interface='{IFACE}'",
        f"type='signal',interface='{IFACE}'",
        "type='method_return'",
        "type='error'",
    ]
    conn.call_sync(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.Monitoring",
        "BecomeMonitor",
        GLib.Variant("(asu)", (rules, 0)),
        None,
        Gio.DBusCallFlags.NONE,
        -1,
        None,
    )
    write({"kind": "ready", "t": time.time()})
    GLib.MainLoop().run()


SERVER_XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
  <interface name="org.callpop.E2E">
    <method name="InvokeAction"><arg type="u" direction="in"/><arg type="s" direction="in"/></method>
  </interface>
</node>
"""


def serve():
    node = Gio.DBusNodeInfo.new_for_xml(SERVER_XML)
    state = {"next_id": 1, "open": set()}

    def on_call(conn, sender, path, iface, member, params, invocation):
        args = params.unpack()
        if member == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["actions", "body"],)))
        elif member == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", ("callpop-e2e", "callpop", "1", "1.2")))
        elif member == "Notify":
            replaces_id = args[1]
            if replaces_id and replaces_id in state["open"]:
                nid = replaces_id
            else:
                nid = state["next_id"]
                state["next_id"] += 1
            state["open"].add(nid)
            invocation.return_value(GLib.Variant("(u)", (nid,)))
        elif member == "CloseNotification":
            nid = args[0]
            invocation.return_value(None)
            if nid in state["open"]:
                state["open"].discard(nid)
                conn.emit_signal(None, PATH, IFACE, "NotificationClosed", GLib.Variant("(uu)", (nid, 3)))
        elif member == "InvokeAction":
            nid, key = args
            invocation.return_value(None)
            conn.emit_signal(None, PATH, IFACE, "ActionInvoked", GLib.Variant("(us)", (nid, key)))
            # Like most servers, an invoked notification goes away (reason 2: dismissed).
            if nid in state["open"]:
                state["open"].discard(nid)
                conn.emit_signal(None, PATH, IFACE, "NotificationClosed", GLib.Variant("(uu)", (nid, 2)))
        else:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", member)

    def on_bus(conn, _name):
        for iface in node.interfaces:
            conn.register_object(PATH, iface, on_call, None, None)

    loop = GLib.MainLoop()
    Gio.bus_own_name(
        Gio.BusType.SESSION,
        IFACE,
        Gio.BusNameOwnerFlags.DO_NOT_QUEUE,
        on_bus,
        lambda *_: print("notifyd: serving", file=sys.stderr, flush=True),
        lambda *_: (print("notifyd: name taken or lost", file=sys.stderr, flush=True), loop.quit()),
    )
    loop.run()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "monitor":
        monitor(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == "serve":
        serve()
    else:
        sys.exit(__doc__)
