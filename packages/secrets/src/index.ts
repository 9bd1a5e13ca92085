// @geostage/secrets: every secret: names, placeholders, filling at upload, secrets init.
export {};
