# callpop, English: main
# The main window: phones, calls, dialing, recent calls.

## Header and footer

main-starting = Starting…
main-no-app = Not running inside callpop
main-no-state = Cannot read the phones' state
main-no-updates = callpop will not update this window by itself: { $message }
main-demo-badge = Demo phone
main-dnd-badge = Do Not Disturb
main-open-settings = Open Settings
main-settings = Settings
main-hotkey-hint = Call selected text: { $hotkey }
main-problems-title = Problems
main-connection-stopped = callpop is not watching the phone right now.
main-connection-not-configured = Enter your phone's address in Settings to get started.
# The header when several phones are watched.
main-phones-all-connected = { $count ->
    [2] Both phones connected
   *[other] All { $count } phones connected
}
main-phones-none-connected = { $count ->
    [2] Neither phone is connected
   *[other] No phone is connected
}
main-phones-some-connected = { $online } of { $count } phones connected
main-phone-problem = { $phone } needs a look: see below.
main-phones-problems = { $count } phones need a look: see below.

## Tabs

main-tabs = Views
main-tab-phone = Phone
main-tab-recent = Recent calls
main-missed-count = { $count ->
    [0] No missed calls to deal with
    [one] 1 missed call to deal with
   *[other] { $count } missed calls to deal with
}

## Calls

main-calls-title = Calls
main-call-line = Line { $line }
main-call-phone-line = { $phone } · Line { $line }
main-keys = Keys:
main-key-answer = answer
main-key-reject = reject
main-key-hold = hold
main-key-mute = mute
main-key-end = end
main-key-idle-answer = No call is ringing.
main-key-idle-reject = No call is ringing.
main-key-idle-hold = There is no call to hold.
main-key-idle-mute = There is no call in progress to mute.
main-key-idle-end = There is no call to hang up.
main-announce-caller = { $name }, { $number }
main-announce-ringing = Incoming call from { $caller }. Press A to answer, R to reject.
main-announce-ringing-on = Incoming call from { $caller } on { $phone }. Press A to answer, R to reject.
main-announce-missed = Missed call from { $caller }.

## Phones and lines

main-lines-title = Lines
main-phones-title = Phones
# A phone system without lines (a PBX) lists its calls instead.
main-phone-calls-title = Calls on { $phone }
main-phone-title = { $name } · { $kind }
main-line = Line { $line }
main-line-conference = Conference
main-lines-all-free = All { $count } lines are free
main-line-free = Line { $line } is free
main-lines-free = Lines { $lines } and { $last } are free
main-phone-waiting = Once callpop reaches { $phone }, its lines and calls show here.
main-no-phone = No phone is set up yet. Once it is, its lines and calls show here.
main-lines-unknown = Lines unknown until callpop reaches the phone again.
main-no-calls-now = No calls right now. Calls on this phone show here as they come.
main-dnd = Do Not Disturb
main-dnd-on-title = Do Not Disturb is on: calls do not ring this phone. Click to turn it off.
main-dnd-off-title = Turn on Do Not Disturb: calls will not ring this phone.

## Dialing

main-dial-title = Call a number
main-dial-placeholder = Type or paste a number
main-dial-call = Call
main-dial-call-title = Call this number (Enter)
main-dial-from = Call from
main-dial-phone-offline = { $phone } (not connected)
main-dial-account = From account
main-dial-account-unregistered = { $account } (not registered)
main-accounts-title = Accounts
main-account = Account { $account }
main-account-registered = Registered
main-account-unregistered = Not registered
main-account-unregistered-title = This account is not registered with its phone system: it cannot make or take calls until it is.
main-dialpad = Dial pad
main-pad-show = Show dial pad
main-pad-hide = Hide dial pad
main-key-star = star
main-key-hash = hash
main-dial-empty = Type or paste a number first.
main-dial-calling-now = Calling…
main-dial-calling = Calling { $number }
main-pending-dial = Dialing { $number } in a moment…
main-pending-others = The text also holds { $numbers }: cancel if you meant one of those.
main-pending-cancel = To stop it, choose Cancel in the notification or in callpop's tray menu.

## Recent calls

main-history-search-label = Search recent calls
main-history-search-placeholder = Search names, numbers, notes
main-history-filter = Show
main-history-filter-all = All
main-history-filter-missed = Missed
main-history-filter-unresolved = To do
main-history-more = Show more
main-history-done-all = Mark all done
main-history-export = Export CSV
main-history-export-title = Save the calls in this list as a spreadsheet file (CSV)
main-history-exported = Saved as
main-history-error = Cannot show the recent calls: { $message }
main-history-no-match = No calls match “{ $text }”.
main-history-empty-all = No calls yet. Calls you make and take will appear here.
main-history-empty-missed = No missed calls. Calls nobody answered will appear here.
main-history-empty-unresolved = Nothing to do. Missed calls you have not called back yet will appear here.
main-history-unknown-number = Unknown number
main-history-new = New
main-history-todo = To do
main-history-called-back = Called back
main-history-answered-later = Answered later
main-history-done = Done
main-history-call = Call
main-history-call-title = Call { $number }
main-history-copy = Copy number
main-history-copy-title = Put { $number } on the clipboard
main-history-copied = { $number } is on the clipboard.
main-history-add-note = Add note
main-history-edit-note = Edit note
main-history-note-label = Note about the call with { $who }
main-history-note-keys = Ctrl+Enter saves, Esc cancels
main-history-save-note = Save note
main-history-cancel-note = Cancel
main-history-note-saved = Note saved.
main-history-note-removed = Note removed.
main-history-mark-done = Mark done
main-history-mark-done-title = Nothing more to do about this missed call
main-history-marked-done = { $count ->
    [one] 1 missed call marked done.
   *[other] { $count } missed calls marked done.
}

## How a call went (recent calls)

main-outcome-ringing = Ringing
main-outcome-calling = Calling
main-outcome-active = In progress
main-outcome-incoming = Incoming
main-outcome-outgoing = Outgoing
main-outcome-answered = Answered
main-outcome-missed = Missed
main-outcome-rejected = Rejected
main-outcome-busy = Busy
main-outcome-failed = Failed
main-outcome-cancelled = Not answered
main-outcome-answered-elsewhere = Answered elsewhere
# Next to a hotkey that cannot work: dials the selected or copied number.
main-dial-clipboard = Dial clipboard
