"""Text primitives shared by every capability: cue lexicons (:mod:`.cues`)."""
