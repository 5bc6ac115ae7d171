# callpop, English: call
# The small call window.

call-window-title = callpop
call-loading = Loading…
call-title = { $state }: { $who }
call-no-app = Not running inside callpop
call-no-app-title = No calls to show
call-no-app-text = Start callpop to see calls here.
call-no-updates = This window will not update by itself: { $message }
call-cannot-read = Cannot read the call
call-none = No call
call-none-now = No call right now
call-on-phone = On { $phone }

## The coloured band: what the call is doing (with the phone's line when it has lines)

call-band-ringing = Incoming call
call-band-ringing-line = Incoming call · Line { $line }
call-band-dialing = Calling…
call-band-dialing-line = Calling… · Line { $line }
call-band-connected = In call
call-band-connected-line = In call · Line { $line }
call-band-held = ON HOLD
call-band-held-line = ON HOLD · Line { $line }
call-band-other = Call
call-band-other-line = Call · Line { $line }
# With several phones: "Incoming call · Line 1 · Front desk".
call-band-on-phone = { $state } · { $phone }

## How the call ended

call-outcome-answered = Call ended
call-outcome-missed = Missed call
call-outcome-rejected = Rejected
call-outcome-cancelled = Call cancelled
call-outcome-failed = Call failed
call-outcome-answered-elsewhere = Answered elsewhere
call-outcome-lost = Lost contact with the phone
call-lasted = Lasted { $duration }
call-lost-note = callpop cannot tell how this call ended.
call-close = Close
call-close-title = Close this window

## The other calls on the same phone, below the window's own call

# Their heading.
call-others-title = { $count ->
    [one] 1 more call on this phone
   *[other] { $count } more calls on this phone
}
call-row-line = Line { $line }
# What a screen reader says on entering a row: whose call its buttons act on.
call-row-label-line = { $who }, line { $line }: { $state }
call-row-label = { $who }: { $state }
