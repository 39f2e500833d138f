import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.ImageWindow;
import ij.plugin.frame.Recorder;

import java.awt.AWTEvent;
import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
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
 * Retakes the README's plugin screenshots from the built plugin jar, in plain ImageJ 1.x under a virtual
 * display, and checks on the way where the menu entry appears. Needs a display (Xvfb):
 *
 * <pre>
 * mvn -B -q package -DskipTests
 * xvfb-run -a -s "-screen 0 1600x1000x24" java -cp ~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar \
 *     scripts/PluginScreenshots.java target/Convolve_2D-0.1.0-SNAPSHOT.jar docs/images
 * </pre>
 *
 * The plugin jar is installed into a fresh ImageJ folder's plugins/ (as a user installs it), so ImageJ builds
 * the menu entry from the jar's plugins.config. Writes plugin-dialog.png (LoG σ=2 with Preview on, beside its
 * preview window), plugin-result.png (cell.png, its three feature maps and ImageJ's status bar) and
 * plugin-recorder.png (the Recorder's line). Prints the menu path of "Convolve 2D..." and the status line.
 */
public class PluginScreenshots {

	public static void main(String[] args) throws Exception {
		Path jar = Paths.get(args[0]).toAbsolutePath();
		Path out = Paths.get(args[1]).toAbsolutePath();
		Files.createDirectories(out);
		Path home = Files.createTempDirectory("imagej-home");
		Files.createDirectories(home.resolve("plugins"));
		Files.copy(jar, home.resolve("plugins").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
		System.setProperty("plugins.dir", home.toString());
		System.setProperty("user.home", home.toString()); // fresh preferences: the dialog starts from the defaults

		ImageJ ij = new ImageJ();
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

	private static Window helpWindow() {
		for (Window w : Window.getWindows()) {
			if (w.isShowing() && w instanceof java.awt.Dialog && ((java.awt.Dialog) w).getTitle().endsWith("Help")) return w;
		}
		return null;
	}

	/** Selects a list item as a click does: the dialog's listeners hear of it. */
	private static void choose(GenericDialog gd, Choice choice, String item) {
		choice.select(item);
		gd.itemStateChanged(new ItemEvent(choice, ItemEvent.ITEM_STATE_CHANGED, item, ItemEvent.SELECTED));
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
