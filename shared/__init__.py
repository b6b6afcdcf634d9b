"""The domain core of Warta: configuration, persistence, the SOP review chain, classification rules,
message envelopes and the use-cases. Headless: never imports textual or pika."""
