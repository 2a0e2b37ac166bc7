"""What members and coordinators do beyond one step of a case: their commands, invitations, referral (转办), lists and digests; may import core.cases and all below it."""
