#!/usr/bin/python3
"""A stand-in for the desktop's GlobalShortcuts portal, for the e2e session bus.

  fake_portal.py serve LOG [--decline]

Owns org.freedesktop.portal.Desktop and serves, at /org/freedesktop/portal/desktop, the
interface org.freedesktop.portal.GlobalShortcuts (version 1): CreateSession, BindShortcuts
and ListShortcuts, each answered the portal way: the call returns a Request object path
(/org/freedesktop/portal/desktop/request/SENDER/TOKEN, SENDER being the caller's unique name
without ':' and with '.' as '_'), and the answer follows as the Response signal on that path.
Sessions live at /org/freedesktop/portal/desktop/session/SENDER/TOKEN and can be closed.

BindShortcuts accepts each shortcut with its preferred trigger ("CTRL+ALT+d" is reported as
"Ctrl+Alt+D", as desktops show it); with --decline the user "declines" it (Response 1).

A test makes the desktop report a key press of a bound shortcut with
  dbus-send --session --print-reply --dest=org.freedesktop.portal.Desktop \
    /org/freedesktop/portal/desktop org.callpop.E2E.Activate string:SHORTCUT_ID
which emits Activated (then Deactivated) for it to the session that bound it, and the user
changing its keys in the desktop's settings with
  ... org.callpop.E2E.SetTrigger string:SHORTCUT_ID string:CTRL+SHIFT+F9
which emits ShortcutsChanged.

Each call is one JSON line in LOG: {"kind": "CreateSession" | "BindShortcuts" |
"ListShortcuts" | "Close" | "Activate" | "SetTrigger", "t": <unix seconds>, "sender", ...}; BindShortcuts has
"session", "shortcuts": [{"id", "description", "preferred_trigger"}], "parent_window".
{"kind": "ready"} is written once the name is owned.
"""

import json
import sys
import time

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
IFACE = "org.freedesktop.portal.GlobalShortcuts"

XML = """
<node>
  <interface name="org.freedesktop.portal.GlobalShortcuts">
    <method name="CreateSession">
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <method name="BindShortcuts">
      <arg type="o" name="session_handle" direction="in"/>
      <arg type="a(sa{sv})" name="shortcuts" direction="in"/>
      <arg type="s" name="parent_window" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="request_handle" direction="out"/>
    </method>
    <method name="ListShortcuts">
      <arg type="o" name="session_handle" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="request_handle" direction="out"/>
    </method>
    <signal name="Activated">
      <arg type="o" name="session_handle"/><arg type="s" name="shortcut_id"/>
      <arg type="t" name="timestamp"/><arg type="a{sv}" name="options"/>
    </signal>
    <signal name="Deactivated">
      <arg type="o" name="session_handle"/><arg type="s" name="shortcut_id"/>
      <arg type="t" name="timestamp"/><arg type="a{sv}" name="options"/>
    </signal>
    <signal name="ShortcutsChanged">
      <arg type="o" name="session_handle"/><arg type="a(sa{sv})" name="shortcuts"/>
    </signal>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="org.callpop.E2E">
    <method name="Activate"><arg type="s" name="shortcut_id" direction="in"/></method>
    <method name="SetTrigger">
      <arg type="s" name="shortcut_id" direction="in"/><arg type="s" name="trigger" direction="in"/>
    </method>
  </interface>
</node>
"""

SESSION_XML = """
<node>
  <interface name="org.freedesktop.portal.Session">
    <method name="Close"/>
    <signal name="Closed"><arg type="a{sv}" name="details"/></signal>
    <property name="version" type="u" access="read"/>
  </interface>
</node>
"""

REQUEST_IFACE = "org.freedesktop.portal.Request"


def sender_part(sender):
    return sender.lstrip(":").replace(".", "_")


def shown_trigger(preferred):
    """ "CTRL+ALT+d" as a desktop shows it: "Ctrl+Alt+D"."""
    words = {"CTRL": "Ctrl", "ALT": "Alt", "SHIFT": "Shift", "LOGO": "Super", "NUM": "Num"}
    parts = [p for p in preferred.split("+") if p]
    keys = [words.get(p, p) for p in parts[:-1]]
    if parts:
        key = parts[-1]
        keys.append(key.upper() if len(key) == 1 else key)
    return "+".join(keys)


def serve(log_path, decline):
    log = open(log_path, "a", buffering=1, encoding="utf-8")
    node = Gio.DBusNodeInfo.new_for_xml(XML)
    session_node = Gio.DBusNodeInfo.new_for_xml(SESSION_XML)
    # session path -> {"sender", "registration", "shortcuts": [(id, info dict)]}
    sessions = {}

    def write(record):
        record.setdefault("t", time.time())
        log.write(json.dumps(record, ensure_ascii=False) + "\n")

    def respond(conn, sender, request_path, code, results):
        """The Response signal, after the method's reply has gone out."""

        def emit():
            conn.emit_signal(
                sender, request_path, REQUEST_IFACE, "Response",
                GLib.Variant("(ua{sv})", (code, results)),
            )
            return False

        GLib.timeout_add(20, emit)

    def request_path(sender, options):
        token = options.get("handle_token") or f"t{int(time.time() * 1000)}"
        return f"{PATH}/request/{sender_part(sender)}/{token}"

    def on_session_call(conn, sender, path, iface, member, params, invocation):
        if member == "Close":
            invocation.return_value(None)
            close_session(conn, path, sender)
        else:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", member)

    def close_session(conn, path, sender):
        session = sessions.pop(path, None)
        if session is not None:
            conn.unregister_object(session["registration"])
            write({"kind": "Close", "sender": sender, "session": path})

    def shortcuts_variant(shortcuts):
        return GLib.Variant("a(sa{sv})", [
            (sid, {
                "description": GLib.Variant("s", info.get("description", "")),
                "trigger_description": GLib.Variant("s", shown_trigger(info.get("preferred_trigger", ""))),
            })
            for sid, info in shortcuts
        ])

    def on_call(conn, sender, path, iface, member, params, invocation):
        args = params.unpack()
        if member == "CreateSession":
            (options,) = args
            req = request_path(sender, options)
            token = options.get("session_handle_token") or f"s{int(time.time() * 1000)}"
            session_path = f"{PATH}/session/{sender_part(sender)}/{token}"
            registration = conn.register_object(
                session_path, session_node.interfaces[0], on_session_call,
                lambda *_: GLib.Variant("u", 1), None,
            )
            sessions[session_path] = {"sender": sender, "registration": registration, "shortcuts": []}
            write({"kind": "CreateSession", "sender": sender, "session": session_path,
                   "options": {k: str(v) for k, v in options.items()}})
            invocation.return_value(GLib.Variant("(o)", (req,)))
            respond(conn, sender, req, 0, {"session_handle": GLib.Variant("s", session_path)})
        elif member == "BindShortcuts":
            session_path, shortcuts, parent_window, options = args
            req = request_path(sender, options)
            listed = [
                {"id": sid, "description": info.get("description", ""),
                 "preferred_trigger": info.get("preferred_trigger")}
                for sid, info in shortcuts
            ]
            write({"kind": "BindShortcuts", "sender": sender, "session": session_path,
                   "shortcuts": listed, "parent_window": parent_window, "declined": decline})
            invocation.return_value(GLib.Variant("(o)", (req,)))
            session = sessions.get(session_path)
            if session is None:
                respond(conn, sender, req, 2, {})
            elif decline:
                respond(conn, sender, req, 1, {})
            else:
                session["shortcuts"] = [(sid, dict(info)) for sid, info in shortcuts]
                respond(conn, sender, req, 0, {"shortcuts": shortcuts_variant(session["shortcuts"])})
        elif member == "ListShortcuts":
            session_path, options = args
            req = request_path(sender, options)
            write({"kind": "ListShortcuts", "sender": sender, "session": session_path})
            invocation.return_value(GLib.Variant("(o)", (req,)))
            session = sessions.get(session_path)
            if session is None:
                respond(conn, sender, req, 2, {})
            else:
                respond(conn, sender, req, 0, {"shortcuts": shortcuts_variant(session["shortcuts"])})
        elif member == "Activate":
            (shortcut_id,) = args
            targets = [
                (path_, s) for path_, s in sessions.items()
                if any(sid == shortcut_id for sid, _ in s["shortcuts"])
            ]
            write({"kind": "Activate", "sender": sender, "shortcut_id": shortcut_id,
                   "sessions": [p for p, _ in targets]})
            if not targets:
                invocation.return_dbus_error("org.freedesktop.DBus.Error.InvalidArgs",
                                             f"no session bound {shortcut_id}")
                return
            invocation.return_value(None)
            now = int(time.time() * 1000)
            for session_path, s in targets:
                for signal in ("Activated", "Deactivated"):
                    conn.emit_signal(
                        s["sender"], PATH, IFACE, signal,
                        GLib.Variant("(osta{sv})", (session_path, shortcut_id, now, {})),
                    )
        elif member == "SetTrigger":
            shortcut_id, trigger = args
            write({"kind": "SetTrigger", "sender": sender, "shortcut_id": shortcut_id,
                   "trigger": trigger})
            invocation.return_value(None)
            for session_path, s in sessions.items():
                for sid, info in s["shortcuts"]:
                    if sid == shortcut_id:
                        info["preferred_trigger"] = trigger
                        conn.emit_signal(
                            s["sender"], PATH, IFACE, "ShortcutsChanged",
                            GLib.Variant.new_tuple(GLib.Variant("o", session_path),
                                                   shortcuts_variant(s["shortcuts"])),
                        )
        else:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", member)

    def on_bus(conn, _name):
        for iface in node.interfaces:
            conn.register_object(PATH, iface, on_call, lambda *_: GLib.Variant("u", 1), None)

        # A session whose owner left the bus is over, as with the real portal.
        def on_owner_changed(_conn, _sender, _path, _iface, _signal, params):
            name, _old, new = params.unpack()
            if name.startswith(":") and not new:
                for path_ in [p for p, s in sessions.items() if s["sender"] == name]:
                    close_session(conn, path_, name)

        conn.signal_subscribe(
            "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
            "/org/freedesktop/DBus", None, Gio.DBusSignalFlags.NONE, on_owner_changed,
        )

    loop = GLib.MainLoop()
    Gio.bus_own_name(
        Gio.BusType.SESSION,
        NAME,
        Gio.BusNameOwnerFlags.DO_NOT_QUEUE,
        on_bus,
        lambda *_: write({"kind": "ready"}),
        lambda *_: (print("fake_portal: name taken or lost", file=sys.stderr, flush=True), loop.quit()),
    )
    loop.run()


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "serve" and sys.argv[3:] in ([], ["--decline"]):
        serve(sys.argv[2], sys.argv[3:] == ["--decline"])
    else:
        sys.exit(__doc__)
