import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.ImageWindow;
import ij.gui.OvalRoi;
import ij.gui.Roi;
import ij.plugin.LutLoader;
import ij.plugin.frame.Recorder;
import ij.text.TextWindow;

import java.awt.AWTEvent;
import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
import java.awt.Dialog;
import java.awt.EventQueue;
import java.awt.Frame;
import java.awt.Menu;
import java.awt.MenuBar;
import java.awt.MenuItem;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextArea;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.event.ItemEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Drives the built plugin in plain ImageJ 1.x under a virtual display (Xvfb), where headless tests cannot go. The
 * plugin jar is installed into a fresh ImageJ folder's plugins/ (as a user installs it, with Gson in plugins/jars as
 * Fiji ships it), so ImageJ builds the menu entry from the jar's plugins.config, and preferences start from the
 * defaults. Two tasks:
 *
 * <p><b>screenshots</b> retakes the README's pictures and checks on the way where the menu entry appears: writes
 * plugin-dialog.png (LoG σ=2 with Preview on, beside its preview window), plugin-result.png (cell.png, its three
 * feature maps and ImageJ's status bar) and plugin-recorder.png (the Recorder's line); prints the menu path of
 * "Convolve 2D..." and the status line. Two more pictures, to look at and not in the README, go to the system's
 * temporary folder ({@code java.io.tmpdir}), not beside them: plugin-help.png (the Help window) and
 * plugin-dialog-bank.png (the dialog with a bank chosen).
 *
 * <p><b>checks</b> checks what only a real window shows and leaves a screenshot of each step; prints one line per
 * check, PASS or FAIL, and exits 1 on a failure:
 * <ol>
 * <li>a run that fails (a kernel too large for valid mode) shows the error, then the dialog again with the values
 * typed; cancelling it then records no line, and "All planes" is still on for a stack;</li>
 * <li>the preview window's subtitle follows the preset; kernel text that makes no kernel titles it as not updated;</li>
 * <li>closing the source while the dialog previews closes the preview quietly (no internal error, no stack
 * trace in the Log), and OK then says the image was closed;</li>
 * <li>a source with the Fire LUT gives feature maps with the Fire LUT;</li>
 * <li>a second result of one title is numbered at its end ({@code camera-Gaussian σ=1.5-1}, not ImageJ's
 * {@code camera-Gaussian σ=1-1.5}); a batch-mode macro's result, which opens no window, is not numbered;</li>
 * <li>an oval selection gives the feature maps of its bounds, with the oval on them;</li>
 * <li>an overlay is carried onto the feature maps, scaled down by a stride;</li>
 * <li>the layer dialog leaves the groups to a JSON weights file's own when its field is left empty: a depthwise
 * layer runs as typed, and its recorded line names no groups; its fields are labelled as in the Convolve 2D
 * dialog (Border value, not Cval).</li>
 * </ol>
 * <pre>
 * mvn -B -q package -DskipTests
 * xvfb-run -a -s "-screen 0 1600x1000x24" java -cp ~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar \
 *     scripts/PluginGui.java screenshots target/Convolve_2D-0.1.0-SNAPSHOT.jar docs/images
 * xvfb-run -a -s "-screen 0 1600x1000x24" java -cp ~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar \
 *     scripts/PluginGui.java checks target/Convolve_2D-0.1.0-SNAPSHOT.jar /tmp/gui-checks
 * </pre>
 */
public class PluginGui {

	private static int failures;
	private static Path out;

	public static void main(String[] args) throws Exception {
		if (args.length != 3 || !args[0].matches("screenshots|checks")) {
			System.err.println("usage: PluginGui.java screenshots|checks <plugin jar> <output folder>");
			System.exit(2);
		}
		Path jar = Paths.get(args[1]).toAbsolutePath();
		out = Paths.get(args[2]).toAbsolutePath();
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
		if (args[0].equals("screenshots")) screenshots(ij);
		else checks(ij);
	}

	/** The README's pictures. */
	private static void screenshots(ImageJ ij) throws Exception {
		ij.setLocation(0, 0);
		waitFor(() -> ij.isShowing());
		System.out.println("menu: " + menuPath(ij.getMenuBar(), "Convolve 2D...")
			+ " (class " + Menus.getCommands().get("Convolve 2D...") + ")");

		ImagePlus cell = IJ.openImage(Paths.get("sample-images/cell.png").toAbsolutePath().toString());
		cell.show();
		waitFor(() -> cell.getWindow() != null && cell.getWindow().isShowing());
		cell.getWindow().setLocation(0, ij.getHeight() + 10);
		Recorder recorder = new Recorder();
		recorder.setLocation(0, 900);
		sleep(800);

		IJ.doCommand("Convolve 2D..."); // as a menu click does: its own thread, recorded
		waitFor(() -> GenericDialog.getInstance() != null && GenericDialog.getInstance().isShowing());
		GenericDialog gd = GenericDialog.getInstance();
		sleep(500);
		gd.setLocation(cell.getWindow().getX() + cell.getWindow().getWidth() + 10, 0);

		// LoG σ=2 with the preview on: shows the σ field, rounded values and the preview window
		onEdt(() -> choose(gd, (Choice) gd.getChoices().get(0), "LoG"));
		sleep(500);
		onEdt(() -> ((TextField) gd.getStringFields().get(0)).setText("2"));
		sleep(500);
		Checkbox preview = null;
		for (Object c : gd.getCheckboxes()) if (((Checkbox) c).getLabel().startsWith("Preview")) preview = (Checkbox) c;
		Checkbox box = preview;
		onEdt(() -> {
			box.setState(true);
			gd.itemStateChanged(new ItemEvent(box, ItemEvent.ITEM_STATE_CHANGED, box, ItemEvent.SELECTED));
		});
		waitFor(() -> WindowManager.getImage("Convolve 2D preview") != null
			&& WindowManager.getImage("Convolve 2D preview").getWindow() != null);
		ImageWindow previewWindow = WindowManager.getImage("Convolve 2D preview").getWindow();
		sleep(1500);
		onEdt(() -> previewWindow.setLocation(gd.getX() + gd.getWidth() + 10, 0));
		sleep(1000);
		onEdt(gd::toFront);
		sleep(500);
		System.out.println("kernel text starts: " + gd.getTextArea1().getText().split("\n")[0]);
		capture(out.resolve("plugin-dialog.png"), new Window[] { gd, previewWindow });

		// Help: the bundled page in ImageJ's HTML dialog (modal, so clicked later on the event thread)
		Button help = null;
		for (Button b : gd.getButtons()) if (b != null && "Help".equals(b.getLabel())) help = b;
		Button helpButton = help;
		EventQueue.invokeLater(() -> helpButton.dispatchEvent(
			new ActionEvent(helpButton, ActionEvent.ACTION_PERFORMED, helpButton.getLabel())));
		waitFor(() -> helpWindow() != null);
		sleep(1000);
		Window helpWindow = helpWindow();
		System.out.println("help window: " + ((java.awt.Dialog) helpWindow).getTitle());
		capture(Paths.get(System.getProperty("java.io.tmpdir"), "plugin-help.png"), new Window[] { helpWindow });
		onEdt(helpWindow::dispose);
		sleep(500);

		// the bank of three, then OK
		onEdt(() -> {
			box.setState(false);
			gd.itemStateChanged(new ItemEvent(box, ItemEvent.ITEM_STATE_CHANGED, box, ItemEvent.DESELECTED));
			choose(gd, (Choice) gd.getChoices().get(0), "Sobel X, Sobel Y, Laplacian 4-neighbour");
		});
		sleep(800);
		System.out.println("σ field shown for the bank: " + ((TextField) gd.getStringFields().get(0)).isVisible()
			+ ", preset: " + ((Choice) gd.getChoices().get(0)).getSelectedItem());
		capture(Paths.get(System.getProperty("java.io.tmpdir"), "plugin-dialog-bank.png"), new Window[] { gd });
		onEdt(() -> {
			Button ok = gd.getButtons()[0];
			ok.dispatchEvent(new ActionEvent(ok, ActionEvent.ACTION_PERFORMED, ok.getLabel()));
		});
		waitFor(() -> WindowManager.getImageCount() == 2 && WindowManager.getCurrentImage() != cell
			&& WindowManager.getCurrentImage().getWindow() != null && WindowManager.getCurrentImage().getWindow().isShowing());
		ImagePlus result = WindowManager.getCurrentImage();
		result.getWindow().setLocation(cell.getWindow().getX() + cell.getWindow().getWidth() + 10, ij.getHeight() + 10);
		sleep(1500);
		String status = ImageJ.getStatusBarText();
		System.out.println("result: " + result.getTitle() + ", status: " + status);
		capture(out.resolve("plugin-result.png"), new Window[] { ij }, new Window[] { cell.getWindow(), result.getWindow() });
		recorder.toFront();
		sleep(800);
		String[] lines = recorder.getText().split("\n");
		System.out.println("recorded: " + lines[lines.length - 1]);
		capture(out.resolve("plugin-recorder.png"), new Window[] { recorder });
		System.exit(0);
	}

	/** The checks; exits 1 when one fails. */
	private static void checks(ImageJ ij) throws Exception {
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
		// ... but not in a batch-mode macro, whose image opens no window (the folder macro names files after it)
		String batchTitle = IJ.runMacro("setBatchMode(true); open('" + Paths.get("sample-images", "camera.png")
			.toAbsolutePath() + "'); source = getImageID(); run('Convolve 2D...', 'preset=gaussian:1.5');"
			+ " t = getTitle(); close(); selectImage(source); close(); return t;");
		check("a batch-mode macro's result beside a window of its title is not numbered: " + batchTitle,
			"camera-Gaussian σ=1.5".equals(batchTitle));

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

	private static Window helpWindow() {
		for (Window w : Window.getWindows()) {
			if (w.isShowing() && w instanceof java.awt.Dialog && ((java.awt.Dialog) w).getTitle().endsWith("Help")) return w;
		}
		return null;
	}

	private static String menuPath(MenuBar bar, String command) {
		for (int i = 0; i < bar.getMenuCount(); i++) {
			String path = find(bar.getMenu(i), command);
			if (path != null) return path;
		}
		return "not in the menus";
	}

	private static String find(Menu menu, String command) {
		for (int i = 0; i < menu.getItemCount(); i++) {
			MenuItem item = menu.getItem(i);
			if (item instanceof Menu) {
				String path = find((Menu) item, command);
				if (path != null) return menu.getLabel() + " > " + path;
			}
			else if (command.equals(item.getLabel())) return menu.getLabel() + " > " + command;
		}
		return null;
	}

	/** Captures windows and lays them out in rows (each left to right, top-aligned) on a light background. */
	private static void capture(Path file, Window[]... rows) throws Exception {
		Robot robot = new Robot();
		List<List<BufferedImage>> shots = new ArrayList<>();
		int width = 0, height = 0;
		for (Window[] row : rows) {
			List<BufferedImage> line = new ArrayList<>();
			int w = 0, h = 0;
			for (Window window : row) {
				BufferedImage shot = robot.createScreenCapture(window.getBounds());
				line.add(shot);
				w += shot.getWidth() + (line.size() > 1 ? 10 : 0);
				h = Math.max(h, shot.getHeight());
			}
			shots.add(line);
			width = Math.max(width, w);
			height += h + (shots.size() > 1 ? 10 : 0);
		}
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		java.awt.Graphics2D g = image.createGraphics();
		g.setColor(new java.awt.Color(0xf0f0f0));
		g.fillRect(0, 0, width, height);
		int y = 0;
		for (List<BufferedImage> line : shots) {
			int x = 0, h = 0;
			for (BufferedImage shot : line) {
				g.drawImage(shot, x, y, null);
				x += shot.getWidth() + 10;
				h = Math.max(h, shot.getHeight());
			}
			y += h + 10;
		}
		g.dispose();
		ImageIO.write(image, "png", file.toFile());
		System.out.println("wrote " + file + " (" + width + "×" + height + ")");
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

	/** Selects a list item as a click does: the dialog's listeners hear of it. */
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
		for (int i = 0; i < 300; i++) {
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
