package io.github.convolve2d.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.nio.file.DirectoryNotEmptyException;

/** I/O errors are told in words, never by a Java exception's name. */
class IoMessagesTest {

	/**
	 * A folder that gained a file while it was being deleted (an {@code --overwrite} run deleting an OME-Zarr output
	 * another run still writes into) said {@code DirectoryNotEmptyException: out/a.ome.zarr/0}.
	 */
	@Test
	void aFolderThatIsNotEmptyIsToldInWords() {
		assertEquals("a folder that should be empty is not (something wrote into it meanwhile): out/a.ome.zarr/0",
			IoMessages.describe(new DirectoryNotEmptyException("out/a.ome.zarr/0")));
	}
}
