package io.github.convolve2d.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A SHA-256 of text that is appended piece by piece and never held whole: the fingerprint of a filter
 * ({@link FeatureMapFilter#fingerprint}) lists every kernel value, which for a 2000×2000 kernel would be about
 * 80 MB of text. The hash equals that of the whole text in UTF-8.
 */
public final class Fingerprint {

	private final MessageDigest digest;

	public Fingerprint() {
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JVM has SHA-256", e);
		}
	}

	public Fingerprint append(String text) {
		digest.update(text.getBytes(StandardCharsets.UTF_8));
		return this;
	}

	public Fingerprint append(long value) {
		return append(Long.toString(value));
	}

	public Fingerprint append(char c) {
		return append(String.valueOf(c));
	}

	/** The SHA-256 of everything appended, in lower-case hex (64 digits); ends this fingerprint. */
	public String hex() {
		byte[] d = digest.digest();
		StringBuilder hex = new StringBuilder(64);
		for (byte b : d) hex.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
		return hex.toString();
	}
}
