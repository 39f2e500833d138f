import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.OvalRoi;
import ij.gui.Roi;
import ij.plugin.LutLoader;
import ij.plugin.frame.Recorder;
import ij.text.TextWindow;

import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Dialog;
import java.awt.EventQueue;
import java.awt.Frame;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.event.ItemEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

import javax.imageio.ImageIO;

/**
 * Checks the plugin's dialog in a real ImageJ window under a virtual display, where headless tests cannot go, and
 * leaves screenshots of each step. Prints one line per check, PASS or FAIL, and exits 1 on a failure:
 * <ol>
 * <li>a run that fails (a kernel too large for valid mode) shows the error, then the dialog again with the values
 * typed; cancelling it then records no line, and "All planes" is still on for a stack;</li>
 * <li>the preview window's subtitle follows the preset; kernel text that makes no kernel titles it as not updated;</li>
 * <li>closing the source while the dialog previews closes the preview quietly (no internal error, no stack
 * trace in the Log), and OK then says the image was closed;</li>
 * <li>a source with the Fire LUT gives feature maps with the Fire LUT;</li>
 * <li>a second result of one title is numbered at its end ({@code camera-Gaussian σ=1.5-1}, not ImageJ's
 * {@code camera-Gaussian σ=1-1.5});</li>
 * <li>an oval selection gives the feature maps of its bounds, with the oval on them;</li>
 * <li>an overlay is carried onto the feature maps, scaled down by a stride;</li>
 * <li>the layer dialog leaves the groups to a JSON weights file's own when its field is left empty: a depthwise
 * layer runs as typed, and its recorded line names no groups; its fields are labelled as in the Convolve 2D
 * dialog (Border value, not Cval).</li>
 * </ol>
 * <pre>
 * mvn -B -q package -DskipTests
 * xvfb-run -a -s "-screen 0 1600x1000x24" java -cp ~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar \
 *     scripts/PluginGuiChecks.java target/Convolve_2D-0.1.0-SNAPSHOT.jar /tmp/gui-checks
 * </pre>
 */
public class PluginGuiChecks {

	private static int failures;
	private static Path out;

	public static void main(String[] args) throws Exception {
		Path jar = Paths.get(args[0]).toAbsolutePath();
		out = Paths.get(args[1]).toAbsolutePath();
		Files.createDirectories(out);
		Path home = Files.createTempDirectory("imagej-home");
		Files.createDirectories(home.resolve("plugins"));
		Files.copy(jar, home.resolve("plugins").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
		// Gson, which JSON weights need and Fiji ships, as a user of plain ImageJ adds it
		Path gson = Paths.get(System.getProperty("gson.jar", System.getProperty("user.home")
			+ "/.m2/repository/com/google/code/gson/gson/2.10.1/gson-2.10.1.jar"));
		Files.createDirectories(home.resolve("plugins").resolve("jars"));
		Files.copy(gson, home.resolve("plugins").resolve("jars").resolve("gson-2.10.1.jar"));
		System.setProperty("plugins.dir", home.toString());
		System.setProperty("user.home", home.toString());
		ImageJ ij = new ImageJ();
		waitFor(ij::isShowing);
		Recorder recorder = new Recorder();
		recorder.setLocation(0, 800);

		// 1. a failing run: error, the dialog again, nothing recorded
		ImagePlus cell = open("cell.png");
		int recorded = recorder.getText().split("\n").length;
		GenericDialog gd = openDialog();
		onEdt(() -> choose(gd, (Choice) gd.getChoices().get(0), "Gaussian"));
		onEdt(() -> ((TextField) gd.getStringFields().get(0)).setText("100"));
		onEdt(() -> choose(gd, (Choice) gd.getChoices().get(1), "valid"));
		sleep(500);
		click(gd, "OK");
		Window error = waitForDialog("Convolve 2D", gd);
		shot("1-error.png", error);
		String text = dialogText(error);
		check("the error names the problem: " + text, text.contains("valid mode needs the kernel to fit"));
		closeDialog(error);
		waitFor(() -> GenericDialog.getInstance() != null && GenericDialog.getInstance() != gd
			&& GenericDialog.getInstance().isShowing());
		GenericDialog again = GenericDialog.getInstance();
		sleep(500);
		shot("1-dialog-again.png", again);
		check("the dialog is shown again with the values typed",
			"valid".equals(((Choice) again.getChoices().get(1)).getSelectedItem())
			&& "100".equals(((TextField) again.getStringFields().get(0)).getText()));
		click(again, "Cancel");
		sleep(1000);
		String[] lines = recorder.getText().split("\n");
		check("no line recorded for the failed run (last: " + lines[lines.length - 1] + ")",
			lines.length == recorded && !recorder.getText().contains("Convolve 2D"));
		check("no result opened", WindowManager.getImageCount() == 1);

		// 1b. the failed run on one plane kept "All planes" (on at first) for the next stack
		ImagePlus two = IJ.createImage("two", "8-bit ramp", 64, 48, 2);
		two.show();
		waitFor(() -> two.getWindow() != null && two.getWindow().isShowing());
		GenericDialog stackDialog = openDialog();
		Checkbox all = null;
		for (Object c : stackDialog.getCheckboxes()) if (((Checkbox) c).getLabel().startsWith("All")) all = (Checkbox) c;
		check("a stack's dialog still has All planes on after a failed run on one plane",
			all != null && all.getState());
		click(stackDialog, "Cancel");
		sleep(500);
		onEdt(() -> {
			two.changes = false;
			two.getWindow().close();
		});
		waitFor(() -> WindowManager.getCurrentImage() == cell);

		// 2. the preview's subtitle follows the preset
		GenericDialog gd2 = openDialog();
		Checkbox preview = previewBox(gd2);
		onEdt(() -> choose(gd2, (Choice) gd2.getChoices().get(0), "Sobel X"));
		onEdt(() -> {
			preview.setState(true);
			gd2.itemStateChanged(new ItemEvent(preview, ItemEvent.ITEM_STATE_CHANGED, preview, ItemEvent.SELECTED));
		});
		waitFor(() -> previewImage() != null);
		sleep(1000);
		onEdt(() -> choose(gd2, (Choice) gd2.getChoices().get(0), "Sobel Y"));
		sleep(2000);
		String subtitle = previewImage().getWindow().createSubtitle();
		shot("2-preview.png", gd2, previewImage().getWindow());
		check("the preview's subtitle names the new preset: " + subtitle, subtitle.startsWith("\"Sobel Y\""));
		// kernel text that makes no kernel: the preview keeps its map, titled as not updated; a preset updates it again
		java.awt.TextArea area = gd2.getTextArea1();
		onEdt(() -> {
			area.setText("1 2\n3");
			gd2.textValueChanged(new java.awt.event.TextEvent(area, java.awt.event.TextEvent.TEXT_VALUE_CHANGED));
		});
		sleep(1500);
		ImagePlus stale = WindowManager.getImage("Convolve 2D preview (not updated: the settings are not valid)");
		check("ragged kernel text: the preview says it is not updated: " + (stale == null ? "no such window" : stale
			.getTitle()), stale != null && stale.getWindow() != null && stale.getWindow().isShowing());
		onEdt(() -> choose(gd2, (Choice) gd2.getChoices().get(0), "Sobel Y"));
		sleep(2000);
		check("a preset again: the preview is updated and titled as before", previewImage() != null);

		// 3. the source closed while the preview runs
		onEdt(() -> {
			cell.changes = false;
			cell.getWindow().close();
		});
		sleep(2000);
		check("the preview closed with its source", previewImage() == null);
		Frame log = WindowManager.getFrame("Log");
		String logText = log instanceof TextWindow ? ((TextWindow) log).getTextPanel().getText() : "";
		check("no stack trace in the Log: [" + logText.trim() + "]", !logText.contains("Exception"));
		click(gd2, "OK");
		Window closed = waitForDialog("Convolve 2D", gd2);
		shot("3-closed.png", closed);
		String closedText = dialogText(closed);
		check("OK says the image was closed: " + closedText, closedText.contains("was closed"));
		closeDialog(closed);
		sleep(1500);
		check("and no dialog comes back for a closed image",
			GenericDialog.getInstance() == null || !GenericDialog.getInstance().isShowing());

		// 4. the source's LUT is kept
		ImagePlus fire = open("camera.png");
		onEdt(() -> {
			fire.getProcessor().setColorModel(LutLoader.getLut("fire"));
			fire.updateAndDraw();
		});
		GenericDialog gd4 = openDialog();
		onEdt(() -> choose(gd4, (Choice) gd4.getChoices().get(0), "Gaussian"));
		click(gd4, "OK");
		ImagePlus result = resultOf(fire);
		shot("4-fire.png", fire.getWindow(), result.getWindow());
		check("the feature map has the Fire LUT", result.getProcessor().isColorLut()
			&& result.getProcessor().getLut().getRGB(128) == fire.getProcessor().getLut().getRGB(128));
		String[] after = recorder.getText().split("\n");
		check("the successful run is recorded: " + after[after.length - 1],
			after[after.length - 1].startsWith("run(\"Convolve 2D...\", \"preset=gaussian:"));

		// 4b. a second result of one title is numbered after the title, not inside a σ's decimals
		String[] titles = new String[2];
		for (int n = 0; n < 2; n++) {
			IJ.run(fire, "Convolve 2D...", "preset=gaussian:1.5");
			ImagePlus again2 = resultOf(n == 0 ? result : WindowManager.getImage(titles[0]));
			titles[n] = again2.getTitle();
		}
		check("a second result's title keeps σ whole: " + String.join(", ", titles),
			titles[0].equals("camera-Gaussian σ=1.5") && titles[1].equals("camera-Gaussian σ=1.5-1"));

		// 5. an oval selection is carried onto the result
		ImagePlus coins = open("coins.png");
		onEdt(() -> coins.setRoi(new OvalRoi(60, 40, 120, 90)));
		GenericDialog gd5 = openDialog();
		onEdt(() -> choose(gd5, (Choice) gd5.getChoices().get(0), "Sobel X"));
		onEdt(() -> choose(gd5, (Choice) gd5.getChoices().get(1), "same"));
		click(gd5, "OK");
		ImagePlus ovalResult = resultOf(coins);
		shot("5-oval.png", coins.getWindow(), ovalResult.getWindow());
		check("the result covers the oval's bounds and carries the oval: " + ovalResult.getWidth() + "x"
			+ ovalResult.getHeight() + ", " + ovalResult.getRoi(), ovalResult.getWidth() == 120
			&& ovalResult.getHeight() == 90 && ovalResult.getRoi() != null && ovalResult.getRoi().getType() == Roi.OVAL);

		// 6. the overlay is carried, scaled down by a stride
		ImagePlus blobs = open("coins.png");
		onEdt(() -> {
			ij.gui.Overlay marks = new ij.gui.Overlay();
			OvalRoi coin = new OvalRoi(150, 100, 60, 60);
			coin.setStrokeColor(java.awt.Color.yellow);
			coin.setStrokeWidth(2);
			marks.add(coin);
			marks.add(new ij.gui.Line(20, 20, 200, 150));
			blobs.setOverlay(marks);
		});
		GenericDialog gd6 = openDialog();
		onEdt(() -> choose(gd6, (Choice) gd6.getChoices().get(0), "Sobel X"));
		onEdt(() -> choose(gd6, (Choice) gd6.getChoices().get(1), "same"));
		onEdt(() -> ((java.awt.TextField) gd6.getStringFields().get(gd6.getStringFields().size() - 2)).setText("2"));
		click(gd6, "OK");
		ImagePlus strided = resultOf(blobs);
		onEdt(() -> strided.getWindow().getCanvas().zoomIn(0, 0));
		sleep(800);
		shot("6-overlay.png", blobs.getWindow(), strided.getWindow());
		ij.gui.Overlay carried = strided.getOverlay();
		check("the overlay is carried at half size: " + carried + (carried == null ? "" : " " + carried.get(0).getBounds()),
			carried != null && carried.size() == 2 && Math.abs(carried.get(0).getBounds().width - 30) <= 1
				&& strided.getWidth() == (blobs.getWidth() + 1) / 2);

		// 7. the layer dialog leaves the groups to a depthwise JSON file's own
		ImagePlus three = IJ.createImage("three", "32-bit ramp", 64, 48, 3, 1, 1);
		three.show();
		waitFor(() -> three.getWindow() != null && three.getWindow().isShowing());
		Path json = out.resolve("depthwise.json");
		Files.write(json, ("{\"weights\": [[[[0, 0, 0], [0, 1, 0], [0, 0, 0]]], [[[0, 0, 0], [0, 2, 0], [0, 0, 0]]], "
			+ "[[[0, 0, 0], [0, 3, 0], [0, 0, 0]]]], \"groups\": 3}").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		GenericDialog gd7 = openDialog("Convolve 2D layer...");
		onEdt(() -> ((TextField) gd7.getStringFields().get(0)).setText(json.toString()));
		String groupsField = ((TextField) gd7.getStringFields().get(2)).getText();
		String layerLabels = dialogText(gd7);
		check("the layer dialog's labels are the Convolve 2D dialog's: " + layerLabels,
			layerLabels.contains("Border value (constant)") && !layerLabels.contains("Cval"));
		boolean everyPlane = false, helpButton = false;
		for (Object c : gd7.getCheckboxes()) everyPlane |= ((Checkbox) c).getLabel().startsWith("Every slice");
		for (Button b : gd7.getButtons()) helpButton |= b != null && "Help".equals(b.getLabel().trim());
		check("the layer dialog of a one-slice image has no 'Every slice and frame' box, and a Help button",
			!everyPlane && helpButton);
		shot("7-layer-dialog.png", gd7);
		click(gd7, "OK");
		ImagePlus layer = resultOf(three);
		shot("7-layer.png", layer.getWindow());
		check("the groups field starts empty: [" + groupsField + "]", groupsField.isEmpty());
		layer.setC(3);
		check("a depthwise JSON layer runs with the file's groups: " + layer.getNChannels() + " channels, channel 3 "
			+ "= 3 x channel 3 of the source", layer.getNChannels() == 3 && Math.abs(layer.getProcessor().getPixelValue(
				10, 10) - 3 * three.getStack().getProcessor(3).getPixelValue(10, 10)) < 1e-4);
		String[] layerLines = recorder.getText().split("\n");
		String layerLine = layerLines[layerLines.length - 1];
		check("its recorded line names no groups: " + layerLine, layerLine.startsWith("run(\"Convolve 2D layer...\"")
			&& !layerLine.contains("groups="));
		System.out.println(failures == 0 ? "all checks passed" : failures + " check(s) failed");
		System.exit(failures == 0 ? 0 : 1);
	}

	private static ImagePlus open(String name) throws Exception {
		ImagePlus imp = IJ.openImage(Paths.get("sample-images", name).toAbsolutePath().toString());
		imp.show();
		waitFor(() -> imp.getWindow() != null && imp.getWindow().isShowing());
		sleep(500);
		return imp;
	}

	private static GenericDialog openDialog() throws Exception {
		return openDialog("Convolve 2D...");
	}

	private static GenericDialog openDialog(String command) throws Exception {
		GenericDialog before = GenericDialog.getInstance();
		IJ.doCommand(command); // as a menu click does: its own thread, recorded
		waitFor(() -> GenericDialog.getInstance() != null && GenericDialog.getInstance() != before
			&& GenericDialog.getInstance().isShowing());
		sleep(700);
		return GenericDialog.getInstance();
	}

	/** The new image a run on {@code source} opened, once its window shows. */
	private static ImagePlus resultOf(ImagePlus source) throws Exception {
		waitFor(() -> {
			ImagePlus current = WindowManager.getCurrentImage();
			return current != null && current != source && current.getWindow() != null && current.getWindow().isShowing();
		});
		sleep(1500);
		return WindowManager.getCurrentImage();
	}

	private static ImagePlus previewImage() {
		ImagePlus p = WindowManager.getImage("Convolve 2D preview");
		return p != null && p.getWindow() != null && p.getWindow().isShowing() ? p : null;
	}

	private static Checkbox previewBox(GenericDialog gd) {
		for (Object c : gd.getCheckboxes()) if (((Checkbox) c).getLabel().startsWith("Preview")) return (Checkbox) c;
		throw new IllegalStateException("no Preview box");
	}

	private static void choose(GenericDialog gd, Choice choice, String item) {
		choice.select(item);
		gd.itemStateChanged(new ItemEvent(choice, ItemEvent.ITEM_STATE_CHANGED, item, ItemEvent.SELECTED));
	}

	private static void click(GenericDialog gd, String label) {
		for (Button b : gd.getButtons()) {
			if (b != null && label.equals(b.getLabel().trim())) {
				EventQueue.invokeLater(() -> b.dispatchEvent(new ActionEvent(b, ActionEvent.ACTION_PERFORMED, label)));
				return;
			}
		}
		throw new IllegalStateException("no button " + label);
	}

	/** A showing dialog titled {@code title} other than {@code not}. */
	private static Window waitForDialog(String title, Window not) throws Exception {
		Window[] found = new Window[1];
		waitFor(() -> {
			for (Window w : Window.getWindows()) {
				if (w != not && w.isShowing() && w instanceof Dialog && title.equals(((Dialog) w).getTitle())
					&& !(w instanceof GenericDialog))
				{
					found[0] = w;
					return true;
				}
			}
			return false;
		});
		sleep(700);
		return found[0];
	}

	private static String dialogText(Window w) {
		StringBuilder sb = new StringBuilder();
		collect(w, sb);
		return sb.toString().replaceAll("\\s+", " ").trim();
	}

	private static void collect(java.awt.Container c, StringBuilder sb) {
		for (java.awt.Component k : c.getComponents()) {
			if (k instanceof ij.gui.MultiLineLabel) sb.append(String.join(" ", linesOf(k))).append(' ');
			else if (k instanceof java.awt.Label) sb.append(((java.awt.Label) k).getText()).append(' ');
			if (k instanceof java.awt.Container) collect((java.awt.Container) k, sb);
		}
	}

	/** A MultiLineLabel's lines (it has no getter; ImageJ's error dialog shows its message in one). */
	private static String[] linesOf(java.awt.Component label) {
		try {
			java.lang.reflect.Field f = ij.gui.MultiLineLabel.class.getDeclaredField("lines");
			f.setAccessible(true);
			return (String[]) f.get(label);
		}
		catch (ReflectiveOperationException e) {
			throw new IllegalStateException(e);
		}
	}

	private static void closeDialog(Window w) {
		EventQueue.invokeLater(() -> {
			for (java.awt.Component k : ((java.awt.Container) w).getComponents()) pressOk(k);
		});
	}

	private static void pressOk(java.awt.Component k) {
		if (k instanceof Button && "OK".equals(((Button) k).getLabel().trim())) {
			((Button) k).dispatchEvent(new ActionEvent(k, ActionEvent.ACTION_PERFORMED, "OK"));
		}
		else if (k instanceof java.awt.Container) {
			for (java.awt.Component c : ((java.awt.Container) k).getComponents()) pressOk(c);
		}
	}

	private static void check(String what, boolean ok) {
		System.out.println((ok ? "PASS " : "FAIL ") + what);
		if (!ok) failures++;
	}

	private static void shot(String name, Window... windows) throws Exception {
		Rectangle r = null;
		for (Window w : windows) r = r == null ? w.getBounds() : r.union(w.getBounds());
		ImageIO.write(new Robot().createScreenCapture(r), "png", out.resolve(name).toFile());
	}

	private interface Check {
		boolean ok() throws Exception;
	}

	private static void waitFor(Check check) throws Exception {
		for (int i = 0; i < 200; i++) {
			if (check.ok()) return;
			Thread.sleep(100);
		}
		throw new IllegalStateException("timed out waiting");
	}

	private static void onEdt(Runnable r) throws Exception {
		EventQueue.invokeAndWait(r);
	}

	private static void sleep(long ms) throws InterruptedException {
		Thread.sleep(ms);
	}
}
