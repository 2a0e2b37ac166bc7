"""What one message may carry on each channel, and long texts cut into messages that fit; may import core.messages and core.texts only."""
