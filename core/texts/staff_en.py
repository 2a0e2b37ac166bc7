"""English texts only members and coordinators read."""

EN_STAFF: dict[str, str] = {
    # greeting, help and the commands of the menu
    "start_member": (
        "Hello{name}! New cases of your think tank come here; press Claim to take one.\n"
        "Send /help for the member commands."
    ),
    "start_coordinator": "Hello{name}! You are a coordinator: statistics, triage and the think "
    "tanks are yours.\nSend /help for the commands.",
    "help_member": "Member commands:",
    "help_coordinator": "Coordinator commands:",
    "cmd_pending": "Waiting: unclaimed in my tank, awaiting my reply",
    "cmd_mine": "Cases I hold",
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
    "cmd_extend": "Extend a deadline: /extend number days reason (granted at once, once per case)",
    "cmd_deadlines": "Deadlines and reminder rules",
    "cmd_invites": "Invitations: list and revoke",
    "cmd_revoke": "Revoke an invitation: /revoke code",
    "cmd_refer": "Refer elsewhere: /refer number body explanation",
    # notices of new cases, their cards and buttons
    "case_contact": "👤 {name} · 📞 {phone}",
    "case_contact_anonymous": "👤 anonymous",
    "member_notice": (
        "🆕 <b>New case {ref}</b> · {tank}\n"
        "🕒 {time} · 📍 {station} · 📷 {photos}\n\n"
        "{text}{keywords}"
    ),
    "notice_keywords": "\n\n🔑 Keywords: {keywords} (match {confidence})",
    "notice_other_fields": "\n\n🚦 Mentions {words}: not the field of the {tanks} think tanks",
    "btn_claim": "✋ Claim",
    "btn_transfer": "🔀 Transfer",
    "btn_detail": "📄 Details",
    "btn_ask": "❓ Ask the resident",
    "btn_resolve": "✅ Resolve",
    "claimed_toast": "You claimed {ref}",
    "notice_claimed": "✅ Claimed by {member}",
    "notice_transferred": "🔀 Transferred to {tank}",
    "routed_toast": "{ref} routed",
    "case_location": "📌 Location: {lat}, {lon}",
    "btn_answer": "💬 Answer the resident",
    "btn_refer": "↪️ Refer",
    "notice_referred": "↪️ Referred to {name}",
    # working on a case: claim, messages, notes, transfer, resolve, referral, refusals
    "forget_staff": "Members and coordinators: please ask a coordinator.",
    "already_taken": "Another member has already claimed this case.",
    "case_not_open": "That cannot be done with this case now.",
    "not_your_tank": "This case is not for your think tank.",
    "not_assignee": "Only the member holding the case can do that.",
    "not_allowed_case": "You cannot do that with this case.",
    "same_tank": "The case is already with that tank.",
    "member_assigned": "📌 A coordinator assigned case <b>{ref}</b> to you.",
    "compose_question": "Type your question for the resident about {ref}; the deadline pauses until "
    "they answer (/cancel to stop):",
    "to_member": "💬 <b>{ref}</b> · {who}:\n\n{text}",
    "anonymous_resident": "anonymous resident",
    "note_saved": "Note added to {ref} (residents do not see it).",
    "transfer_choose": "Transfer {ref} to:",
    "transfer_reason": "Why should {ref} go to {tank}? A short reason:",
    "transferred_done": "{ref} was transferred.",
    "triage_reason": "routed by a coordinator",
    "resolve_summary": "What was done about {ref}? (The resident receives this.)",
    "resolved_done": "{ref} is resolved; waiting for the resident's rating.",
    "member_rated": "⭐ The resident rated {ref}: {rating}",
    "member_reopened": '⚠️ The resident rated {ref} "{rating}"; it is open again, please continue.',
    "member_comment": "💬 The resident's comment on {ref}:\n\n{text}",
    "coordinator_reopened": "⚠️ {ref} was rated not satisfied and reopened; member: {member}",
    "assigned_tank": "{ref} routed to {tank}.",
    "assigned_member": "{ref} assigned to {member}.",
    "already_extended": "This case was extended once already.",
    "extended_done": "Extended: {ref} is now due {when}; the resident and the coordinators were told.",
    "coordinator_extended": "⏳ {member} extended {ref} by {days} days (to {when}, granted): {reason}",
    "member_withdrawn": "ℹ️ The resident says the words just sent on {ref} are a new concern, filed separately:\n\n{text}",
    "compose_answer": "Type your answer to the resident of {ref}; it goes out as from a "
    "coordinator (/cancel to stop):",
    "answer_not_triage": "Coordinators answer residents directly only on cases awaiting "
    "triage; {ref} is not one.",
    "refer_not_open": "{ref} is held by a member or already closed; it cannot be referred.",
    "refer_choose": "Refer {ref} to:",
    "compose_referral": "Write the explanation for the resident: why {body} handles this and "
    "how to reach them. Once sent, {ref} is closed as referred (/cancel to stop):",
    "referred_done": "{ref} was referred to {body}; the resident has the explanation.",
    "refer_body_line": "  {code} · {name}",
    "coordinator_referral_poor": "⚠️ The resident of {ref} was not satisfied with the "
    "referral; please have a look.",
    # lists, figures, deadlines and digests
    "triage_notice": (
        "🗂 <b>Triage {ref}</b> (no field fits well)\n"
        "🕒 {time} · 📍 {station} · 📷 {photos}\n\n"
        "{text}{keywords}"
    ),
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
    "digest_undelivered": "⚠️ Messages that could not be delivered this week: {count} (the person blocked the bot, or the message was refused); ask the operator to check the delivery records.",
    "stats_tank_line": "  {tank}: {counts}",
    "stats_no_tank": "no think tank",
    # reminders, escalation and staff who cannot be reached
    "remind_soon": "⏰ <b>Reminder {ref}</b> ({tank}): the {what} deadline {when} is close.\n{text}",
    "remind_due": "🔴 <b>{ref}</b> ({tank}) is past its {what} deadline ({when}); please act.\n{text}",
    "escalated": "🚨 <b>Escalated {ref}</b> ({tank}): the {what} deadline {when} has passed.\n{text}",
    "escalated_holder": "Held by: {who}",
    "nobody": "nobody",
    "auto_assigned": "📌 Case <b>{ref}</b> was unclaimed past its deadline and was assigned to you (least load).",
    "member_unreachable": "⚠️ Member {name} ({tank}, id {id}) can no longer be reached: they blocked the bot or left.",
    "coordinator_unreachable": "⚠️ Coordinator {name} (id {id}) can no longer be reached: they blocked the bot or left.",
    # invitations and membership
    "member_removed": "{name} retired; {count} open cases went back to the tank.",
    "you_were_removed": "You are no longer a think tank member. Thank you for your work!",
    "invite_link": "Invitation to the <b>{tank}</b> think tank (valid {days} days, for one "
    "person):\n{link}\n\nOr they can send this bot: /start {code}",
    "invite_welcome": (
        "🎉 Welcome to the <b>{tank}</b> think tank!\n"
        "New cases of your tank come here: press Claim to take one, Details to read it all; "
        "once you hold a case, its buttons let you ask the resident, answer and resolve. Each "
        "morning you also get a digest of what is waiting.\n"
        "Send /help for the member commands."
    ),
    "invite_coordinator": "You are a coordinator and need not join a tank.",
    "invites_header": "<b>Valid invitations</b> (code · tank · town · invited by · valid until)",
    "invite_line": "<code>{code}</code> · {tank} · {station} · {by} · {until}",
    "invites_none": "No valid invitations. /invite tank [town] makes one.",
    "btn_revoke": "✖️ Revoke {code}",
    "revoke_unknown": "Invitation {code} is not valid (used, expired or revoked). /invites lists the valid ones.",
    "invite_revoked": "Invitation {code} revoked; the link no longer works.",
    # timeline entries only staff see
    "event_note": "📝 internal note: {text}",
    "event_transferred": "transferred to {tank}: {reason}",
    "event_reminder": "⏰ reminder ({owed})",
    "event_escalated": "🚨 escalated to the coordinators",
    # how to use the commands
    "note_usage": "Usage: /note number text",
    "resolve_usage": "Usage: /resolve number summary",
    "transfer_usage": "Usage: /transfer number tank (law, economy, agriculture or coordinators) reason",
    "assign_usage": "Usage: /assign number tank-or-member-id (see /members)",
    "stats_usage": "Usage: /stats 7d, /stats 30d or /stats all; /stats chart sends the charts",
    "find_usage": "Usage: /find words",
    "invite_usage": "Usage: /invite tank [town code], e.g. /invite law daodi",
    "removemember_usage": "Usage: /removemember member-id (see /members)",
    "extend_usage": "Usage: /extend number days(1-15) reason; once per case",
    "revoke_usage": "Usage: /revoke code (see /invites)",
    "refer_usage": "Usage: /refer number body explanation, e.g. /refer 12 jiaoyu School "
    "places are allocated by the education bureau...\nBodies (code · name):\n{bodies}",
    "invite_code": "Invitation code for the <b>{tank}</b> think tank (valid {days} days, for one "
    "person):\n{code}\n\nAsk them to send this code to the app in WeCom.",
    "member_voice_added": "🤝 Another resident added their voice to <b>{ref}</b>: residents raising it now: {count}.",
    "cmd_similar": "similar cases (merge)",
    "cmd_merge": "merge a duplicate into a main case",
    "cmd_unmerge": "undo a merge",
    "cmd_hot": "hot topics",
    "similar_usage": "Usage: /similar number",
    "similar_none": "No open case is similar to {ref}.",
    "similar_header": "Open cases similar to <b>{ref}</b> (residents: {count}):",
    "similar_line": "<b>{ref}</b> · {status} · {station} · {date} · residents: {residents} · alike in: {words}\n{text}",
    "btn_merge": "🔗 Merge {dup} into {ref}",
    "merge_usage": "Usage: /merge duplicate main, e.g. /merge 15 12",
    "unmerge_usage": "Usage: /unmerge number (the one merged into another case)",
    "merge_done": "{dup} is merged into {ref}; residents behind {ref} now: {count}.",
    "merge_same": "A case cannot be merged into itself.",
    "merge_other_tank": "{dup} and {ref} are in different think tanks and cannot be merged.",
    "merge_not_open": "{ref} is no longer being worked on and cannot be merged.",
    "merge_already": "{ref} is merged into another case already.",
    "merge_not_allowed": "Only a coordinator or the member holding a case may merge it.",
    "unmerge_done": "Merge undone: {dup} is handled on its own again.",
    "unmerge_not_merged": "{dup} is not merged into another case.",
    "unmerge_too_late": "{ref} is resolved; the merge can no longer be undone.",
    "hot_usage": "Usage: /hot, /hot 7d or /hot 30d, optionally with a think tank, e.g. /hot 30d agriculture",
    "hot_header": "🔥 Hot topics ({window}, by residents raising them):",
    "hot_none": "No hot topic in the {window} (at least {least} residents on one problem).",
    "hot_line": "{n}. <b>{title}</b> · {tank} · {places} · residents: {residents} · cases: {count} · latest {date}\nCases: {refs}",
    "hot_window_7d": "last 7 days",
    "hot_window_30d": "last 30 days",
    "btn_hot_dismiss": "Dismiss {n}",
    "hot_dismissed": "Dismissed: this topic will not be listed again.",
    "digest_hot": "This week's hot topics:",
    "stats_residents": "Residents (with voices added and merges): {residents}, behind cases: {cases}.",
    "stats_most_voiced": "Most voiced: {cases}",
    "card_similar": "🔗 Similar open cases: {refs} (send /similar {ref} to see or merge them)",
    # /reply as coordinators may use it
    "cmd_reply_coordinator": "Answer a resident (cases awaiting triage only): /reply number text",
    # a case's status in the staff's lists and figures (residents read theirs in plain words)
    "staff_status_triage": "awaiting triage",
    "staff_status_open": "awaiting a member",
    "staff_status_claimed": "in progress",
    "staff_status_resolved": "resolved",
    "staff_status_closed": "closed",
    "staff_status_referred": "referred",
    "case_detail_staff": (
        "<b>Case {ref}</b> · {status}\n"
        "🏛 {tank} · 📍 {station}\n{contact}\n"
        "{text}\n\n<b>Timeline</b>\n{timeline}"
    ),
    # the desk: reports, proposals, consultations, files
    "cmd_report": "Public opinion reports: /report new numbers…",
    "cmd_proposal": "Proposals and their replies",
    "cmd_meet": "Consultations: schedule, invite, minutes",
    "cmd_export": "Export the ledger of cases (spreadsheet)",
    "cmd_summary": "A month's or a year's figures (text, chart and file)",
    "desk_unavailable": "The desk is not available just now; please try again later.",
    "files_unavailable": "Files cannot be made just now; please try again later.",
    "btn_report_from_case": "📝 Write a report from this",
    "report_usage": (
        "Usage:\n/report new 3 7 12 — a new report from these cases (at most 20)\n"
        "/report — my reports\n/report show number — read one\n/report file number — its file"
    ),
    "report_not_found": "There is no report {number}, or you may not see it.",
    "report_case_refused": "Case {ref} does not exist or is not one you may cite.",
    "report_material": "<b>Material</b>: {count} concerns from {places} stations (no residents' names or contacts)\n{lines}",
    "report_material_line": "{ref} · {place} · {tank}\n{text}",
    "report_ask_title": "Writing report {number} (one matter; title and sections at most {limit} characters).\nSend the <b>title</b>:",
    "report_ask_situation": "Saved ({used}/{limit} characters). Send <b>the situation</b>:",
    "report_ask_problems": "Saved ({used}/{limit} characters). Send <b>the problems</b>:",
    "report_ask_suggestions": "Saved ({used}/{limit} characters). Send <b>the suggestions</b>:",
    "report_need_text": "Please send it as text.",
    "report_title_too_long": "The title has {length} characters; at most {limit}. Please shorten it and send it again.",
    "report_too_long": "With this section the report has {length} characters, over the {limit} one matter allows. Please shorten it and send it again.",
    "report_not_draft": "Report {number} was submitted and can no longer change.",
    "report_not_yours": "Report {number} is not yours to change or submit.",
    "report_incomplete": "Report {number} still needs its title or its text.",
    "report_no_title": "Report {number} has no title yet, so no file can be made.",
    "report_untitled": "(untitled)",
    "report_card": (
        "<b>Report {number}</b>{special} · {status}\n<b>{title}</b>\n"
        "Cases: {cases}  Length: {used}/{limit}\n{sections}"
    ),
    "report_section": "<b>{heading}</b>\n{text}",
    "report_heading_situation": "I. The situation",
    "report_heading_problems": "II. The problems",
    "report_heading_suggestions": "III. Suggestions",
    "report_special_mark": " (special)",
    "report_status_draft": "draft",
    "report_status_submitted": "submitted",
    "report_status_adopted": "adopted",
    "report_status_rejected": "not adopted",
    "btn_report_edit": "✏️ Rewrite",
    "btn_report_submit": "📤 Submit",
    "btn_report_file": "📄 Make the file",
    "btn_report_adopt": "✅ Adopt",
    "btn_report_reject": "❌ Do not adopt",
    "btn_report_special": "⭐ Special report",
    "btn_report_proposal": "📑 Make a proposal",
    "reports_none": "No reports yet. Send /report new numbers to start one.",
    "reports_header": "<b>Reports</b>\n{lines}",
    "report_line": "{number} · {title} · {status}",
    "report_filename": "report-{number}",
    "report_file_caption": "Report {number}: {title}",
    "report_file_coming": "Making the file…",
    "report_submitted_toast": "Submitted {number}",
    "report_submitted": "Report {number} was submitted (No. {issue}) and waits for a coordinator.",
    "report_submitted_notice": "📥 Report {number} was submitted: {title}\nSend /report show {number} to decide.",
    "report_not_submitted": "Report {number} is not waiting for a decision.",
    "report_not_adopted": "Report {number} is not adopted, or is special already.",
    "report_decided_adopted": "✅ Your report {number} ({title}) was adopted.",
    "report_decided_rejected": "Your report {number} ({title}) was not adopted.",
    "report_special_toast": "{number} is now a special report",
    "proposal_usage": (
        "Usage:\n/proposal — the proposals\n/proposal new title #3 #7 — propose one\n/proposal show number\n/proposal accept number\n"
        "/proposal assign number body, body\n/proposal reply number A text (A solved, B being solved, C planned)"
    ),
    "proposal_not_found": "There is no proposal {number}, or you may not see it.",
    "proposal_card": (
        "<b>Proposal {number}</b> · {status}\n<b>{title}</b>\nBodies: {bodies}\nCases: {cases}\n"
        "Reply due: {due}\nReply (round {round}): {grade}  {reply}\nProposers' rating: {rating}"
    ),
    "proposal_status_submitted": "submitted",
    "proposal_status_accepted": "accepted",
    "proposal_status_assigned": "assigned",
    "proposal_status_replied": "replied",
    "proposal_status_rated": "rated",
    "grade_A": "A solved",
    "grade_B": "B being solved",
    "grade_C": "C planned",
    "proposal_rating_satisfied": "satisfied",
    "proposal_rating_basic": "mostly satisfied",
    "proposal_rating_unsatisfied": "not satisfied",
    "proposals_none": "No proposals yet.",
    "proposals_header": "<b>Proposals</b>\n{lines}",
    "proposal_line": "{number} · {title} · {status}",
    "proposal_wrong_state": "Proposal {number} cannot take that step now.",
    "proposal_bodies_bad": "Name the bodies, separated by commas: at most {most}, each at most {limit} characters.",
    "proposal_reply_bad": "Give the reply's text, at most {limit} characters.",
    "proposal_rate_please": "The bodies replied to your proposal; please rate the reply:\n{card}",
    "proposal_not_proposer": "Only the proposers may rate proposal {number}.",
    "proposal_rated_toast": "Your rating is recorded",
    "proposal_second_reply": "The reply to proposal {number} was rated not satisfied; it goes back for a second reply.",
    "proposal_due_soon": "⏰ The reply to proposal {number} ({title}) is due {due}.",
    "proposal_overdue": "🚨 The reply to proposal {number} ({title}) was due {due} and is overdue.",
    "beyond_calendar": "{day} lies beyond the holiday calendar (up to {last}); working days cannot be counted. Please update the calendar.",
    "meet_usage": (
        "Usage:\n/meet new 2026-12-03 14:30 station topic #3 #7\n/meet guest number guest\n"
        "/meet list number — who comes\n/meet minutes number the minutes\n/meet link number report or proposal number — link the outcome"
    ),
    "meet_not_found": "There is no consultation {number}.",
    "meet_in_past": "A consultation cannot be in the past.",
    "meet_scheduled": (
        "Consultation {number} scheduled: {topic}\nWhen: {when}  Where: {place}\n"
        "To invite: {residents} residents behind the cases ({refs}); members: {members}"
    ),
    "btn_meet_send": "📨 Send the invitations",
    "meet_invited": "Consultation {number}: {count} invitations sent.",
    "meet_guest_bad": "A guest's name has at most {limit} characters, and a consultation at most {most} guests.",
    "meet_guest_forward": "Guest recorded: {name}. The invitation below can be forwarded:\n\n{invitation}",
    "meet_resident": "resident ({refs})",
    "meet_attendance": (
        "<b>Consultation {number}: {topic}</b>\nComing: {yes}\nNot coming: {no}\nNo answer: {waiting}\nGuests: {guests}"
    ),
    "meet_minutes_long": "The minutes have at most {limit} characters.",
    "meet_minutes_saved": "The minutes of consultation {number} are saved; the residents concerned were told.",
    "export_usage": "Usage: /export [2026-11 or 2026] [think tank] [station] [state], e.g. /export 2026-11 agriculture",
    "export_filename": "cases-{period}",
    "export_caption": "Ledger of cases ({period}): {count}",
    "summary_usage": "Usage: /summary 2026 or /summary 2026-11",
    "summary_filename": "summary-{period}",
    "chart_cases_filename": "cases-by-tank-{period}",
    "chart_rates_filename": "rates-{period}",
    "summary_caption": "Casework summary ({period})",
    "chart_cases_caption": "Cases by think tank and state ({period})",
    "chart_rates_caption": "The three rates of the last weeks ({period})",
    "summary_text": (
        "<b>Casework ({period})</b>\n{received} concerns received, {solved} solved.\n"
        "{written} reports written, {adopted} adopted, {special} of them special.\n"
        "Proposals: {proposals}\n{held} consultations held, {people} people reached.\n"
        "Response {response}, resolution {resolution}, satisfaction {satisfaction}."
    ),
    "summary_proposal_item": "{count} {state}",
    "summary_none": "none",
    "rate_line": "{percent}% ({hits}/{total})",
    "rate_no_data": "no data yet",
    "list_separator": ", ",
    "files_refused": "The content does not fit the file (too long, for one), so no file was made.",
    "chart_period_weeks": "last {weeks} weeks",
    "proposal_submitted_notice": "📥 New proposal {number}: {title}\nSend /proposal accept {number} to accept it.",
    "meet_linked_report": "The outcome of consultation {number} is linked to report {target}.",
    "meet_linked_proposal": "The outcome of consultation {number} is linked to proposal {target}.",
    "report_proposed_already": "Report {number} was made proposal {proposal} already; send /proposal show {proposal} to see it.",
    "meet_topic_too_long": "The topic has {length} characters; at most {limit}. Please shorten it and send it again.",
    "proposal_due_unknown": "⚠️ Proposal {number} went back for a second reply, but its deadline cannot be counted yet: {why}",
    "btn_hot_report": "📝 Report on {n}",
    "unmerge_main_closed": "{ref} is no longer being worked on (referred, or merged into another case); the merge can no longer be undone.",
}
