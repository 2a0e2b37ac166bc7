"""English texts of a case's life: members, coordinators, and what residents hear of it."""

EN_STAFF: dict[str, str] = {
    "cmd_pending": "Waiting: unclaimed in my tank, awaiting my reply",
    "cmd_mine": "Cases I hold",
    "cmd_reply": "Reply: /reply number text",
    "cmd_note": "Internal note: /note number text",
    "cmd_resolve": "Resolve: /resolve number summary",
    "cmd_transfer": "Transfer: /transfer number tank reason",
    "cmd_stats": "Figures: /stats 7d|30d|all",
    "cmd_overdue": "Overdue cases",
    "cmd_triage": "Cases awaiting triage",
    "cmd_assign": "Assign: /assign number tank-or-member-id",
    "cmd_find": "Search: /find words",
    "cmd_members": "Members and their load",
    "cmd_invite": "Invite a member: /invite tank [town]",
    "cmd_removemember": "Retire a member: /removemember id",
    "btn_claim": "✋ Claim",
    "btn_transfer": "🔀 Transfer",
    "btn_detail": "📄 Details",
    "btn_reply": "💬 Reply",
    "btn_ask": "❓ Ask the resident",
    "btn_resolve": "✅ Resolve",
    "rating_good": "😊 Satisfied",
    "rating_fair": "🙂 Fairly satisfied",
    "rating_poor": "😞 Not satisfied",
    "claimed_toast": "You claimed {ref}",
    "already_taken": "Another member has already claimed this case.",
    "case_not_open": "That cannot be done with this case now.",
    "not_your_tank": "This case is not for your think tank.",
    "not_assignee": "Only the member holding the case can do that.",
    "not_allowed_case": "You cannot do that with this case.",
    "same_tank": "The case is already with that tank.",
    "case_closed": "Case {ref} is closed. For a new concern, just write it.",
    "rating_closed": "This case needs no rating now.",
    "notice_claimed": "✅ Claimed by {member}",
    "notice_transferred": "🔀 Transferred to {tank}",
    "resident_claimed": "👤 Your concern <b>{ref}</b> was taken by {member} of the <b>{tank}</b> think tank.",
    "resident_transferred": "🔀 Your concern <b>{ref}</b> was passed to <b>{tank}</b>.",
    "member_assigned": "📌 A coordinator assigned case <b>{ref}</b> to you.",
    "compose_message": "Type your reply about {ref} (/cancel to stop):",
    "compose_question": "Type your question for the resident about {ref}; the deadline pauses until "
    "they answer (/cancel to stop):",
    "compose_need_text": "Please send text, or /cancel.",
    "to_resident": "💬 <b>{ref}</b> · {member}, {tank} think tank:\n\n{text}",
    "to_resident_question": "❓ <b>{ref}</b> · {member}, {tank} think tank, asks:\n\n{text}\n\n"
    "Press Reply or answer this message.",
    "to_member": "💬 <b>{ref}</b> · {who}:\n\n{text}",
    "anonymous_resident": "anonymous resident",
    "message_sent": "Sent ({ref}).",
    "message_kept": "Added to the timeline of {ref}; the member will see it once the case is claimed.",
    "note_saved": "Note added to {ref} (residents do not see it).",
    "transfer_choose": "Transfer {ref} to:",
    "transfer_reason": "Why should it go to {tank}? A short reason:",
    "transferred_done": "{ref} was transferred.",
    "triage_reason": "routed by a coordinator",
    "routed_toast": "{ref} routed",
    "resolve_summary": "What was done about {ref}? (The resident receives this.)",
    "resolved_done": "{ref} is resolved; waiting for the resident's rating.",
    "resident_resolved": "✅ Your concern <b>{ref}</b> is resolved.\n\nWhat was done:\n{text}\n\n"
    "How satisfied are you?",
    "rated_toast": "Thank you",
    "rated_thanks": "Thank you for rating! {ref} is closed.",
    "rated_reopened": "Sorry it did not help. {ref} is back with the member, and the coordinators "
    "know.",
    "comment_prompt": "Anything to add? Just write it, or press Skip.",
    "comment_thanks": "Your comment went to the member. Thank you!",
    "member_rated": "⭐ The resident rated {ref}: {rating}",
    "member_reopened": '⚠️ The resident rated {ref} "{rating}"; it is open again, please continue.',
    "member_comment": "💬 The resident's comment on {ref}:\n\n{text}",
    "coordinator_reopened": "⚠️ {ref} was rated not satisfied and reopened; member: {member}",
    "reply_usage": "Usage: /reply number text",
    "note_usage": "Usage: /note number text",
    "resolve_usage": "Usage: /resolve number summary",
    "transfer_usage": "Usage: /transfer number tank (law, economy, agriculture or triage) reason",
    "assign_usage": "Usage: /assign number tank-or-member-id (see /members)",
    "stats_usage": "Usage: /stats 7d, /stats 30d or /stats all",
    "find_usage": "Usage: /find words",
    "invite_usage": "Usage: /invite tank [town code], e.g. /invite law daodi",
    "removemember_usage": "Usage: /removemember member-id (see /members)",
    "list_empty": "(none)",
    "brief_line": "<b>{ref}</b> · {tank} · {status} {who}\n    {text}{due}",
    "due_by": "\n    ⏰ {what} due {when}",
    "due_overdue": "\n    🔴 {what} overdue ({when})",
    "owed_claim": "claim",
    "owed_reply": "first reply",
    "owed_resolve": "resolution",
    "owed_rating": "rating",
    "pending_unclaimed": "<b>Unclaimed in my tank</b>",
    "pending_mine": "<b>Awaiting my reply</b>",
    "mine_header": "<b>Cases I hold</b>",
    "overdue_header": "<b>Overdue cases</b> (earliest deadline first)",
    "triage_header": "<b>Awaiting triage</b>: {count}; press a tank to route one",
    "triage_empty": "Nothing awaits triage.",
    "find_header": "<b>Search:</b> {words}",
    "members_header": "<b>Members</b> (id · name · town · open cases)",
    "member_line": "  {id} · {name} · {station} · {load}{unreachable}",
    "unreachable": " ⚠️ unreachable",
    "assigned_tank": "{ref} routed to {tank}.",
    "assigned_member": "{ref} assigned to {member}.",
    "member_removed": "{name} retired; {count} open cases went back to the tank.",
    "member_retired": "the member retired",
    "you_were_removed": "You are no longer a think tank member. Thank you for your work!",
    "invite_link": "Invitation to the <b>{tank}</b> think tank (valid {days} days, for one "
    "person):\n{link}\n\nOr they can send this bot: /start {code}",
    "invite_welcome": "🎉 Welcome to the <b>{tank}</b> think tank! New cases will reach you here.",
    "invite_invalid": "This invitation is invalid or has expired; ask a coordinator for a new one.",
    "invite_coordinator": "You are a coordinator and need not join a tank.",
    "stats": "<b>Figures</b> ({window})\nCases: {total}\n{by_status}\n\n<b>By tank</b>\n{by_tank}\n\n"
    "Overdue now: {overdue}\nResponse rate (claimed and answered in time): {response}\n"
    "Resolution rate (referrals aside): {resolution}\nSatisfaction (satisfied + fairly): {satisfaction}\n\n"
    "Median time to claim {claim} · first reply {reply} · resolve {resolve}",
    "window_7d": "last 7 days",
    "window_30d": "last 30 days",
    "window_all": "all time",
    "dur_days": "{d} d {h} h",
    "dur_hours": "{h} h {m} min",
    "dur_minutes": "{m} min",
    "event_claimed": "claimed by {member}",
    "event_message": "{side_label}: {text}",
    "side_member": "member",
    "side_resident": "resident",
    "event_note": "📝 internal note: {text}",
    "event_transferred": "transferred to {tank}: {reason}",
    "event_assigned": "assigned by a coordinator to {member}",
    "event_resolved": "resolved: {text}",
    "event_rated": "rated by the resident: {rating_label}",
    "event_comment": "the resident's comment: {text}",
    "event_closed_unrated": "closed unrated after 7 days",
    "event_returned": "back to the tank: {reason}",
}

EN_STAFF.update(
    {
        "cmd_extend": "Ask for more time: /extend number days reason",
        "cmd_deadlines": "Deadlines and reminder rules",
        "remind_soon": "⏰ <b>Reminder {ref}</b> ({tank}): the {what} deadline {when} is close.\n{text}",
        "remind_due": "🔴 <b>{ref}</b> ({tank}) is past its {what} deadline ({when}); please act.\n{text}",
        "escalated": "🚨 <b>Escalated {ref}</b> ({tank}): the {what} deadline {when} has passed.\n{text}",
        "escalated_holder": "Held by: {who}",
        "nobody": "nobody",
        "auto_assigned": "📌 Case <b>{ref}</b> was unclaimed past its deadline and was assigned to you (least load).",
        "resident_closed_unrated": "Your concern {ref} was resolved 7 days ago without a rating and is now closed. Write again any time.",
        "event_reminder": "⏰ reminder ({owed})",
        "event_escalated": "🚨 escalated to the coordinators",
        "event_auto_assigned": "unclaimed past the deadline, assigned to {member}",
        "event_extended": "the member extended the deadline by {days} days: {reason}",
        "extend_usage": "Usage: /extend number days(1-15) reason; once per case",
        "already_extended": "This case was extended once already.",
        "extended_done": "{ref} is now due {when}.",
        "coordinator_extended": "⏳ {member} extended {ref} by {days} days (to {when}): {reason}",
        "resident_extended": "⏳ The deadline of your concern <b>{ref}</b> was extended by {days} days (to {when}): {reason}",
        "deadlines": (
            "<b>Deadlines</b> (claim · first reply · resolve, from receipt)\n{lines}\n\n"
            "At 75% of the time the holder is reminded, and again at the deadline; an unclaimed case is "
            "then assigned to the least-loaded member; 25% of the time later it goes to the coordinators. "
            "The clock pauses while a question to the resident is open.\n"
            "Quiet hours: {quiet} ({zone}), no reminders or digests; urgent escalations ignore them: {urgent}\n"
            "Daily digest at {digest}; weekly figures on Mondays."
        ),
        "deadline_line": "  {tank}: {claim} · {reply} · {resolve}",
        "n_hours": "{n} h",
        "n_days": "{n} days",
        "yes": "yes",
        "no": "no",
        "digest_daily": "☀️ <b>Good morning {name}! Waiting for you today:</b>",
        "digest_weekly": "📊 <b>Last week's figures</b>",
        "member_unreachable": "⚠️ Member {name} ({tank}, id {id}) can no longer be reached: they blocked the bot or left.",
    }
)

# Words never lost or misplaced: where a resident's words go, invitations, a closed case.
EN_STAFF.update(
    {
        "event_transferred_public": "moved to {tank}",
        "case_location": "📌 Location: {lat}, {lon}",
        "case_finished": "Case {ref} is closed.",
        "member_withdrawn": "ℹ️ The resident says the words just sent on {ref} are a new concern, filed separately:\n\n{text}",
        "event_withdrawn": "the resident filed the words before as a new concern instead",
        "cmd_invites": "Invitations: list and revoke",
        "cmd_revoke": "Revoke an invitation: /revoke code",
        "invites_header": "<b>Valid invitations</b> (code · tank · town · invited by · valid until)",
        "invite_line": "<code>{code}</code> · {tank} · {station} · {by} · {until}",
        "invites_none": "No valid invitations. /invite tank [town] makes one.",
        "btn_revoke": "✖️ Revoke {code}",
        "revoke_usage": "Usage: /revoke code (see /invites)",
        "revoke_unknown": "Invitation {code} is not valid (used, expired or revoked). /invites lists the valid ones.",
        "invite_revoked": "Invitation {code} revoked; the link no longer works.",
    }
)

# Statistics, search and referrals of concerns no think tank can take.
EN_STAFF.update(
    {
        "stats_tank_line": "  {tank}: {counts}",
        "stats_no_tank": "no think tank",
        "cmd_refer": "Refer elsewhere: /refer number body explanation",
        "status_referred": "referred",
        "btn_answer": "💬 Answer the resident",
        "btn_refer": "↪️ Refer",
        "compose_answer": "Type your answer to the resident of {ref}; it goes out as from a "
        "coordinator (/cancel to stop):",
        "answer_not_triage": "Coordinators answer residents directly only on cases awaiting "
        "triage; {ref} is not one.",
        "refer_not_open": "{ref} is held by a member or already closed; it cannot be referred.",
        "refer_choose": "Refer {ref} to:",
        "compose_referral": "Write the explanation for the resident: why {body} handles this and "
        "how to reach them. Once sent, {ref} is closed as referred (/cancel to stop):",
        "referred_done": "{ref} was referred to {body}; the resident has the explanation.",
        "refer_usage": "Usage: /refer number body explanation, e.g. /refer 12 jiaoyu School "
        "places are allocated by the education bureau...\nBodies (code · name):\n{bodies}",
        "refer_body_line": "  {code} · {name}",
        "notice_referred": "↪️ Referred to {name}",
        "coordinator_referral_poor": "⚠️ The resident of {ref} was not satisfied with the "
        "referral; please have a look.",
        "event_answered": "💬 coordinator: {text}",
        "event_referred": "↪️ referred to {name}: {text}",
        "to_resident_coordinator": "💬 <b>{ref}</b> · a coordinator:\n\n{text}\n\n"
        "Press Reply or answer this message.",
        "resident_referred": "↪️ Your concern <b>{ref}</b> is not one the think tanks can take up; "
        "it was referred to <b>{body}</b>{contact}.\n\nWhy, and what to do:\n{text}\n\n"
        "How satisfied are you with this answer?",
        "referral_contact": " ({contact})",
        "referral_rated": "Thank you for rating! {ref} is closed. For a new concern, just write it.",
        "case_referred": "{ref} was referred elsewhere and is closed; please turn to the body the "
        "referral names. For a new concern, just write it.",
    }
)
