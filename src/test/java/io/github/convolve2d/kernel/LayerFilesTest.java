package io.github.convolve2d.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.convolve2d.core.LayerWeights;
import io.github.convolve2d.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * Layer weights from files: {@code .npy} as numpy writes it (float32/float64, both byte orders, header versions
 * 1 to 3; fixtures from {@code scripts/make_npy_fixtures.py}), JSON, bias files, names sidecars, and the messages
 * for files that cannot serve.
 */
class LayerFilesTest {

	@TempDir
	Path dir;

	private static Path fixture(String name) throws Exception {
		return Paths.get(LayerFilesTest.class.getResource(name).toURI());
	}

	/** numpy's arange(24) / 4 - 3 in shape (2, 3, 2, 2). */
	private static void assertFixtureValues(LayerWeights w, String what) {
		assertEquals("2×3×2×2", w.shape(), what);
		for (int o = 0; o < 2; o++) {
			for (int c = 0; c < 3; c++) {
				for (int i = 0; i < 2; i++) {
					for (int j = 0; j < 2; j++) {
						assertEquals(((o * 3 + c) * 2 + i) * 2 + j, (w.get(o, c, i, j) + 3) * 4, 0, what);
					}
				}
			}
		}
	}

	@Test
	void readsEveryDtypeByteOrderAndHeaderVersionNumpyWrites() throws Exception {
		for (String name : new String[] { "weights-le-f4.npy", "weights-be-f4.npy", "weights-le-f8.npy",
			"weights-be-f8.npy", "weights-v2.npy", "weights-v3.npy" })
		{
			LayerWeights w = LayerFiles.read(fixture(name), null, null);
			assertFixtureValues(w, name);
			assertFalse(w.hasBias(), name);
			assertEquals(Arrays.asList("feature 1", "feature 2"), w.names());
		}
		LayerWeights w = LayerFiles.read(fixture("weights-be-f8.npy"), fixture("bias.npy"), 1);
		assertEquals(0.5, w.bias(0));
		assertEquals(-1.5, w.bias(1));
		NpyReader.Array bias = NpyReader.parse(Files.readAllBytes(fixture("bias.npy")), "bias", "bias.npy");
		assertEquals("(2,)", bias.shapeText());
	}

	@Test
	void refusesWhatItCannotReadWithAMessageThatSaysWhatToDo() throws Exception {
		UserException e = assertThrows(UserException.class, () -> LayerFiles.read(fixture("fortran.npy"), null, null));
		assertTrue(e.getMessage().contains("Fortran order") && e.getMessage().contains("ascontiguousarray"),
			e.getMessage());
		e = assertThrows(UserException.class, () -> LayerFiles.read(fixture("int32.npy"), null, null));
		assertTrue(e.getMessage().contains("'<i4'") && e.getMessage().contains("float32"), e.getMessage());
		// a bias file of another type: the message is about that file, not about weights
		e = assertThrows(UserException.class, () -> LayerFiles.read(fixture("weights-le-f4.npy"), fixture("int32.npy"), null));
		assertEquals("bias file '" + fixture("int32.npy") + "' holds values of type '<i4'; Convolve 2D reads arrays of "
			+ "float32 or float64: save array.astype(numpy.float32)", e.getMessage());
		byte[] whole = Files.readAllBytes(fixture("weights-le-f4.npy"));
		Path cut = dir.resolve("cut.npy");
		Files.write(cut, Arrays.copyOf(whole, whole.length - 4));
		e = assertThrows(UserException.class, () -> LayerFiles.read(cut, null, null));
		assertTrue(e.getMessage().contains("cut short"), e.getMessage());
		// a header whose shape claims more than the file holds, even more than a long can count
		String header = new String(whole, 10, whole[8], java.nio.charset.StandardCharsets.ISO_8859_1);
		for (String shape : new String[] { "(2, 3, 2, 3)", "(99999, 99999, 99999, 99999)", "(-2, 3, 2, 2)" }) {
			byte[] bad = whole.clone();
			byte[] h = header.replace("(2, 3, 2, 2)", shape).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
			System.arraycopy(h, 0, bad, 10, Math.min(h.length, whole[8]));
			Path f = dir.resolve("bad.npy");
			Files.write(f, bad);
			e = assertThrows(UserException.class, () -> LayerFiles.read(f, null, null), shape);
			assertTrue(e.getMessage().contains("cut short") || e.getMessage().contains("negative"), e.getMessage());
		}
		Path text = dir.resolve("text.npy");
		Files.write(text, "1 2 3".getBytes(StandardCharsets.UTF_8));
		e = assertThrows(UserException.class, () -> LayerFiles.read(text, null, null));
		assertTrue(e.getMessage().contains("not a NumPy .npy file"), e.getMessage());
		e = assertThrows(UserException.class, () -> LayerFiles.read(dir.resolve("missing.npy"), null, null));
		assertTrue(e.getMessage().contains("no such file"), e.getMessage());
		e = assertThrows(UserException.class, () -> LayerFiles.read(fixture("weights-le-f4.npy"), null, 3));
		assertTrue(e.getMessage().startsWith("weights file '" + fixture("weights-le-f4.npy")
			+ "': groups=3 must divide the 2 output channels"), e.getMessage());
		e = assertThrows(UserException.class, () -> LayerFiles.read(fixture("weights-le-f4.npy"), fixture("weights-le-f4.npy"), 1));
		assertTrue(e.getMessage().contains("1-D array"), e.getMessage());
		e = assertThrows(UserException.class, () -> LayerFiles.read(fixture("bias.npy"), null, 1));
		assertTrue(e.getMessage().contains("1 dimension"), e.getMessage());
	}

	/**
	 * What a PyTorch user may give instead of a .npy (fixtures from {@code scripts/make_torch_fixtures.py}): each
	 * is named for what it is, with the line of Python that exports the array; they used to get "not a NumPy .npy
	 * file (it does not start with \x93NUMPY)".
	 */
	@Test
	void torchFilesAndNpzArchivesAreNamedWithHowToExportTheArrays() throws Exception {
		for (String name : new String[] { "torch-state.pt", "torch-legacy.pth" }) {
			UserException e = assertThrows(UserException.class, () -> LayerFiles.read(fixture(name), null, null));
			assertEquals("weights file '" + fixture(name) + "' is a PyTorch file (torch.save), which Convolve 2D cannot "
				+ "read; export the layer's arrays as .npy in Python: numpy.save('conv1.npy', "
				+ "model.conv1.weight.detach().numpy()) and numpy.save('conv1-bias.npy', "
				+ "model.conv1.bias.detach().numpy()), or from a saved state_dict numpy.save('conv1.npy', "
				+ "torch.load('" + name + "')['conv1.weight'].numpy())", e.getMessage());
			e = assertThrows(UserException.class,
				() -> LayerFiles.read(fixture("weights-le-f4.npy"), fixture(name), null));
			assertTrue(e.getMessage().startsWith("bias file '" + fixture(name) + "' is a PyTorch file"), e.getMessage());
		}
		// other pickles (pickle.dump, numpy's array.dump: protocol 2 to 5) are not PyTorch's, and are never unpickled
		for (int protocol = 2; protocol <= 5; protocol++) {
			Path pickle = dir.resolve("dumped" + protocol + ".npy");
			Files.write(pickle, new byte[] { (byte) 0x80, (byte) protocol, 'K', 1, '.' }); // the int 1
			UserException e = assertThrows(UserException.class, () -> LayerFiles.read(pickle, null, null));
			assertEquals("weights file '" + pickle + "' is a Python pickle (as pickle.dump or numpy's array.dump write), "
				+ "which Convolve 2D does not read (unpickling can run any code); save the array with "
				+ "numpy.save('weights.npy', array)", e.getMessage());
		}
		UserException e = assertThrows(UserException.class, () -> LayerFiles.read(fixture("state.npz"), null, null));
		assertEquals("weights file '" + fixture("state.npz") + "' is a NumPy .npz archive (numpy.savez) of the arrays "
			+ "'weight', 'bias'; give each array as a .npy file: numpy.save('weight.npy', "
			+ "numpy.load('state.npz')['weight'])", e.getMessage());
	}

	@Test
	void jsonWeightsWithBiasGroupsAndNames() throws Exception {
		Path json = dir.resolve("bank.json");
		Files.write(json, ("{\"weights\": [[[[1, 0], [0, -1]]], [[[0, 1], [-1, 0]]]], \"bias\": [1, 2], \"groups\": 2,"
			+ " \"names\": [\"diagonal\", \"anti\"]}").getBytes(StandardCharsets.UTF_8));
		LayerWeights w = LayerFiles.read(json, null, null);
		assertEquals("2×1×2×2", w.shape());
		assertEquals(2, w.groups());
		assertEquals(2, w.channels());
		assertEquals(2.0, w.bias(1));
		assertEquals(Arrays.asList("diagonal", "anti"), w.names());
		assertEquals(-1.0, w.get(1, 0, 1, 0));
		// a bias file and groups given beside replace the file's own, as documented (--bias, --groups)
		Path bias = Files.write(dir.resolve("other-bias.json"), "[7, 8]".getBytes(StandardCharsets.UTF_8));
		LayerWeights replaced = LayerFiles.read(json, bias, 1);
		assertEquals(7.0, replaced.bias(0));
		assertEquals(8.0, replaced.bias(1));
		assertEquals(1, replaced.groups());
		// a sidecar names the outputs (and wins over names inside the file)
		Files.write(dir.resolve("bank.names.txt"), "edge 1\n\nedge 2\n".getBytes(StandardCharsets.UTF_8));
		assertEquals(Arrays.asList("edge 1", "edge 2"), LayerFiles.read(json, null, null).names());
		Files.write(dir.resolve("bank.names.txt"), "only one\n".getBytes(StandardCharsets.UTF_8));
		UserException e = assertThrows(UserException.class, () -> LayerFiles.read(json, null, null));
		assertTrue(e.getMessage().contains("bank.names.txt") && e.getMessage().contains("1 name given for 2 output channels"),
			e.getMessage());
	}

	/** A batch given a bad weights file runs on many images: the message must say which file holds the mistake. */
	@Test
	void everyMistakeInAJsonWeightsFileNamesTheFile() throws Exception {
		String[][] cases = {
			{ "[[1, 2], [3]]", "weights[1] has 1 entries but the others at that level have 2; every dimension needs one length" },
			{ "{\"weights\": [[1, 2], [3, \"x\"]]}", "weights[1][1]: \"x\" is not a finite number" },
			{ "{\"weights\": []}", "weights is an empty array" },
			{ "{\"weights\": [[1], 2]}", "weights[1] is a number where an array was expected" },
			{ "{\"weights\": [[[[1]]], [[[2]]]], \"names\": [\"a\", [1, 2]]}",
				"\"names\" [1] must be a text, got an array of 2 values" },
			{ "{\"weights\": [[[[1]]], [[[2]]]], \"names\": [\"a\", null]}", "\"names\" [1] must be a text, got null" },
			{ "{\"weights\": [[[[1]]], [[[2]]]], \"names\": [\"a\", {}]}", "\"names\" [1] must be a text, got an object" },
			{ "{\"weights\": [[[[1]]], [[[2]]]], \"bias\": [1, \"<c8\"]}", "\"bias\" [1]: \"<c8\" is not a finite number" },
		};
		Path json = dir.resolve("w.json");
		for (String[] c : cases) {
			Files.write(json, c[0].getBytes(StandardCharsets.UTF_8));
			UserException e = assertThrows(UserException.class, () -> LayerFiles.read(json, null, null), c[0]);
			assertEquals("weights file '" + json + "': " + c[1], e.getMessage(), c[0]);
		}
	}

	/** Results are computed in 32-bit floats: 1e300 would become infinity in every output, found on each image. */
	@Test
	void weightsAndBiasBeyondTheFloatRangeAreRefusedWhenTheFileIsRead() throws Exception {
		Path json = dir.resolve("big.json"), bias = dir.resolve("bias.json");
		Files.write(json, "[[[[1, 1e300]]]]".getBytes(StandardCharsets.UTF_8));
		UserException e = assertThrows(UserException.class, () -> LayerFiles.read(json, null, null));
		assertEquals("weights file '" + json + "': weight [0][0][0][1] is 1.0E300, beyond the 32-bit float range "
			+ "(±3.4e38) in which results are computed; use smaller values", e.getMessage());
		Files.write(json, "[[[[1, 3.4e38]]]]".getBytes(StandardCharsets.UTF_8));
		Files.write(bias, "[-1e39]".getBytes(StandardCharsets.UTF_8));
		e = assertThrows(UserException.class, () -> LayerFiles.read(json, bias, null));
		assertTrue(e.getMessage().endsWith("bias [0] is -1.0E39, beyond the 32-bit float range (±3.4e38) in which "
			+ "results are computed; use smaller values"), e.getMessage());
		assertEquals(3.4e38, LayerFiles.read(json, null, null).get(0, 0, 0, 1));
	}

	/**
	 * A bias given as its own file (--bias) that is wrong: the message names the bias file, not the weights file that
	 * is fine (numpy.save of a bias with an infinity, or of the bias of another layer).
	 */
	@Test
	void aWrongBiasFileIsNamedNotTheWeightsFile() throws Exception {
		Path weights = Files.write(dir.resolve("w.json"), "[[[[1]]], [[[2]]]]".getBytes(StandardCharsets.UTF_8));
		Path bias = dir.resolve("b.json");
		String[][] cases = {
			{ "[1, 1e39]", "bias [1] is 1.0E39, beyond the 32-bit float range (±3.4e38) in which results are computed; "
				+ "use smaller values" },
			{ "[1, 2, 3]", "the bias has 3 values but the weights have 2 output channels; give one bias value per "
				+ "output channel" },
		};
		for (String[] c : cases) {
			Files.write(bias, c[0].getBytes(StandardCharsets.UTF_8));
			UserException e = assertThrows(UserException.class, () -> LayerFiles.read(weights, bias, null), c[0]);
			assertEquals("bias file '" + bias + "': " + c[1], e.getMessage(), c[0]);
		}
		// numpy.save of a bias holding an infinity (little-endian float64, header version 1)
		Path npy = dir.resolve("b.npy");
		String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
		StringBuilder h = new StringBuilder(header);
		while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
		h.append('\n');
		java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(10 + h.length() + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		buf.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
		buf.putShort((short) h.length()).put(h.toString().getBytes(StandardCharsets.US_ASCII));
		buf.putDouble(0.5).putDouble(Double.POSITIVE_INFINITY);
		Files.write(npy, buf.array());
		UserException e = assertThrows(UserException.class, () -> LayerFiles.read(weights, npy, null));
		assertEquals("bias file '" + npy + "': bias [1] is Infinity; the bias must be finite numbers", e.getMessage());
	}

	/** A damaged header can hold anything, its length field can swallow the data: the message quotes it short, on one line. */
	@Test
	void aDamagedNpyHeaderIsQuotedShortOnOneLine() throws Exception {
		String binary = "\n\u00c8>-g\u00fa>vS\u00bcYl\r\n\u0001" + "x".repeat(5000);
		String[] headers = { "{'descr': '<f4', 'fortran_order': False, 'shape': (2" + binary + ")}",
			"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1," + binary + "), }",
			"{'descr': '<f4" + binary + "', 'fortran_order': False, 'shape': (2,), }" };
		for (String header : headers) {
			byte[] h = header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
			java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + h.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
			b.put(new byte[] { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0 }).putShort((short) h.length).put(h);
			Path f = dir.resolve("damaged.npy");
			Files.write(f, b.array());
			UserException e = assertThrows(UserException.class, () -> LayerFiles.read(f, null, null));
			assertTrue(e.getMessage().startsWith("weights file '" + f + "'"), e.getMessage());
			assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r") || e.getMessage().contains("\u0001"),
				e.getMessage());
			assertTrue(e.getMessage().length() < 400, e.getMessage());
		}
	}

	/** A misspelt key would otherwise be ignored: a bias typed as "bais" would silently not be added. */
	@Test
	void unknownKeysAreRefusedAndAByteOrderMarkIsSkipped() throws Exception {
		Path typo = dir.resolve("typo.json");
		Files.write(typo, "{\"weights\": [[[[1]]]], \"bais\": [100]}".getBytes(StandardCharsets.UTF_8));
		UserException e = assertThrows(UserException.class, () -> LayerFiles.read(typo, null, null));
		assertTrue(e.getMessage().contains("unknown key \"bais\"; did you mean 'bias'?"), e.getMessage());
		Path bom = dir.resolve("bom.json");
		Files.write(bom, "\uFEFF{\"weights\": [[[[2]]]], \"bias\": [1]}".getBytes(StandardCharsets.UTF_8));
		assertEquals(1.0, LayerFiles.read(bom, null, null).bias(0));
	}

	@Test
	void threeAndTwoDimensionalShapes() throws Exception {
		Path three = dir.resolve("three.json"), two = dir.resolve("two.json"), ragged = dir.resolve("ragged.json");
		Files.write(three, "[[[1, 2, 3]], [[4, 5, 6]]]".getBytes(StandardCharsets.UTF_8));
		Files.write(two, "[[1, 2], [3, 4]]".getBytes(StandardCharsets.UTF_8));
		Files.write(ragged, "[[1, 2], [3]]".getBytes(StandardCharsets.UTF_8));
		LayerWeights w = LayerFiles.read(three, null, null);
		assertEquals("2×1×1×3", w.shape());
		assertEquals(5.0, w.get(1, 0, 0, 1));
		w = LayerFiles.read(two, null, null);
		assertEquals("1×1×2×2", w.shape());
		assertArrayEquals(new double[] { 1, 2, 3, 4 }, w.kernel(0, 0).values());
		UserException e = assertThrows(UserException.class, () -> LayerFiles.read(ragged, null, null));
		assertTrue(e.getMessage().contains("weights[1] has 1 entries"), e.getMessage());
	}

	@Test
	void jsonWithoutGsonSaysWhatToDo() throws Exception {
		// the plugin's jar has no Gson and plain ImageJ none either: reading JSON weights there used to end in a
		// NoClassDefFoundError, which ImageJ swallows, so "Convolve 2D layer..." did nothing and a macro went on
		Path weights = dir.resolve("conv.json");
		Files.write(weights, "[[1, 2], [3, 4]]".getBytes(StandardCharsets.UTF_8));
		java.net.URL classes = Paths.get("target/classes").toUri().toURL();
		try (java.net.URLClassLoader withoutGson = new java.net.URLClassLoader(new java.net.URL[] { classes },
			ClassLoader.getPlatformClassLoader()))
		{
			// a method handle, not reflection: listing LayerFiles' methods would itself need Gson's classes
			java.lang.invoke.MethodHandle read = java.lang.invoke.MethodHandles.publicLookup().findStatic(
				withoutGson.loadClass(LayerFiles.class.getName()), "read", java.lang.invoke.MethodType.methodType(
					withoutGson.loadClass(LayerWeights.class.getName()), Path.class, Path.class, Integer.class));
			Throwable e = assertThrows(Throwable.class, () -> read.invoke(weights, (Path) null, (Integer) null));
			assertEquals(UserException.class.getName(), e.getClass().getName(), String.valueOf(e));
			assertEquals("weights file '" + weights + "' is JSON, which needs the Gson library: Fiji ships it, plain"
				+ " ImageJ does not; copy gson-2.10.1.jar into ImageJ's jars folder, or save the array as .npy with"
				+ " numpy.save", e.getMessage());
		}
	}
}
