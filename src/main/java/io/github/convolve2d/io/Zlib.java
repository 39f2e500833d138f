package io.github.convolve2d.io;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The one zlib (RFC 1950: Deflate with a header and an Adler-32 checksum) decoder of this package, for Zarr's zlib
 * chunks and TIFF's Deflate strips and tiles. It inflates at most a given number of bytes into one buffer and
 * says what it found; it judges nothing. Each format words the damage itself, as each has its own rule: a Zarr
 * chunk must hold exactly its size and a whole stream, a TIFF strip at the bottom of an image may stop short.
 */
final class Zlib {

	private Zlib() {
	}

	/** Where inflating stopped. */
	enum Outcome {
		/** At the stream's end, its checksum verified. Bytes after that end are not read ({@link Inflated#followed()}). */
		COMPLETE,
		/** The data stop before the stream's end: inside the compressed data or inside the checksum. */
		CUT,
		/** The stream asks for a preset dictionary, which neither format has: nothing past its header inflates. */
		DICTIONARY,
		/** The stream inflates to more than the limit: to at least one byte more. */
		OVER_LIMIT,
		/** The data are not valid zlib (a bad header, code, distance or checksum); zlib says why. */
		INVALID
	}

	/** What {@link #inflate} found: the bytes it inflated, and where and why it stopped. */
	static final class Inflated {
		private final byte[] bytes;
		private final int length;
		private final Outcome outcome;
		private final String reason;
		private final boolean followed;

		Inflated(byte[] bytes, int length, Outcome outcome, String reason, boolean followed) {
			this.bytes = bytes;
			this.length = length;
			this.outcome = outcome;
			this.reason = reason;
			this.followed = followed;
		}

		/**
		 * The buffer the stream inflated into, of the limit's size, not a copy: its first {@link #length()} bytes
		 * are the stream's (all of the limit's when {@link Outcome#OVER_LIMIT}; meaningless when
		 * {@link Outcome#INVALID}).
		 */
		byte[] bytes() { return bytes; }

		/** How many bytes inflated, at most the limit. */
		int length() { return length; }

		Outcome outcome() { return outcome; }

		/** zlib's words for {@link Outcome#INVALID} ("incorrect data check", ...; null when zlib gives none), else null. */
		String reason() { return reason; }

		/** Whether other bytes follow the stream's end ({@link Outcome#COMPLETE} only). */
		boolean followed() { return followed; }

		@Override
		public String toString() {
			return outcome + " after " + length + " bytes" + (reason == null ? "" : " (" + reason + ")")
				+ (followed ? ", other bytes after the end" : "");
		}
	}

	/**
	 * Inflates {@code stored}, a zlib stream, into a new buffer of {@code limit} bytes; a stream that fills it is
	 * tried for one byte more, to tell {@link Outcome#OVER_LIMIT} from a stream that ends there.
	 */
	static Inflated inflate(byte[] stored, int limit) {
		byte[] out = new byte[limit];
		Inflater inflater = new Inflater();
		int n = 0;
		try {
			inflater.setInput(stored);
			while (!inflater.finished()) {
				if (n == limit) {
					// full: one byte more is more than the limit; none, and the stream has ended or been cut there
					if (inflater.inflate(new byte[1]) > 0) return new Inflated(out, n, Outcome.OVER_LIMIT, null, false);
					break;
				}
				int got = inflater.inflate(out, n, limit - n);
				n += got;
				// zlib makes no progress only when it needs input or a dictionary (output room there is)
				if (got == 0) break;
			}
			if (inflater.finished()) return new Inflated(out, n, Outcome.COMPLETE, null, inflater.getRemaining() > 0);
			return new Inflated(out, n, inflater.needsDictionary() ? Outcome.DICTIONARY : Outcome.CUT, null, false);
		}
		catch (DataFormatException e) {
			return new Inflated(out, n, Outcome.INVALID, e.getMessage(), false);
		}
		finally {
			inflater.end();
		}
	}
}
