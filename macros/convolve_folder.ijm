// Convolve 2D: convolves every image of a folder and saves the 32-bit feature maps as TIFF.
//
// Argument (one string): input=[folder] output=[folder] options=[Convolve 2D options]; the output folder may not be
// the input folder.
//   e.g. input=[/data/in] output=[/data/out] options=[preset=[Sobel X, Sobel Y] mode=same border=reflect stack]
// Plain ImageJ:  java -jar ij.jar -ijpath <folder holding plugins/> -batch convolve_folder.ijm "<argument>"
// Fiji:          ImageJ-linux64 --headless -batch convolve_folder.ijm "<argument>"
// Each result is saved as <output>/<source name>_<kernel names joined by _>.tif, with every character other than
// letters, digits, '.', '-' and '_' turned into '-' (a sigma into "sigma"): camera.png with Sobel X and Sobel Y
// gives camera_Sobel-X_Sobel-Y.tif. A mistake (bad options, unreadable image, two images whose results take one
// name, e.g. cell.png and cell.tif) stops the run with one "Convolve 2D: ..." line (after ImageJ's reader's own for
// an unreadable image); results already saved are complete files, and a failed save leaves no part of one.

arg = getArgument();
input = value(arg, "input");
output = value(arg, "output");
options = value(arg, "options");
if (input == "" || output == "" || options == "")
	exit("usage: input=[folder] output=[folder] options=[Convolve 2D options], got: " + arg);
if (!File.isDirectory(input))
	exit("input folder not found: " + input);
if (!endsWith(input, File.separator)) input = input + File.separator;
if (!endsWith(output, File.separator)) output = output + File.separator;
sameFolder = "Convolve 2D: the output folder is the input folder " + input + "; give another output folder (a"
	+ " result saved among the images could replace one of them)";
// as the batch command refuses it: a result could replace an image, e.g. a_Sobel-X.tif (compared with case: the
// macro language's == ignores it, and In and in are two folders on Linux)
if (lengthOf(output) == lengthOf(input) && indexOf(output, input) == 0)
	exit(sameFolder);
makeFolder(output);
// checked here: ImageJ's error for each failed save would open a dialog that hangs -batch
if (!File.isDirectory(output))
	exit("Convolve 2D: cannot make the output folder " + output + " (a file has that name, or writing there is not"
		+ " allowed); give another output folder");
// the input folder under another spelling (a relative path, "..", a link): a folder made in it shows in the input
// (File.makeDirectory fails without a word where writing is not allowed)
probe = ".convolve2d-same-folder-" + getTime() + "-" + round(random * 1e9);
File.makeDirectory(output + probe);
same = File.isDirectory(input + probe);
if (File.isDirectory(output + probe)) deleted = File.delete(output + probe);
if (same) exit(sameFolder);

setBatchMode(true);
files = getFileList(input);
done = 0;
savedNames = newArray(0); // this run's results, and the images they were made from
savedFrom = newArray(0);
for (i = 0; i < files.length; i++) {
	name = files[i];
	if (!matches(toLowerCase(name), ".*\\.(tif|tiff|png|jpg|jpeg|gif|bmp)$")) continue;
	before = nImages;
	open(input + name);
	if (nImages == before) // not an image: stop here, as ImageJ's own error would open a dialog that hangs -batch
		exit("Convolve 2D: ImageJ cannot open '" + name + "' as an image; the run stopped there. Move it out of "
			+ input + " or fix it, then run again");
	source = getImageID();
	Roi.remove; // a selection saved in the file: whole images are convolved, as the batch command does
	base = replace(getTitle(), "\\.[A-Za-z][A-Za-z0-9]{0,4}$", "");
	run("Convolve 2D...", options);
	if (getImageID() == source) exit("no result for " + name);
	kernels = substring(getTitle(), lengthOf(base) + 1); // the result is titled <base>-<kernel+kernel...>
	saved = "" + fileName(base) + "_" + fileName(replace(kernels, "+", "_")) + ".tif"; // "" +: a string expression
	for (j = 0; j < savedNames.length; j++) // in any case: a case-insensitive file system would replace it too
		if (toLowerCase(savedNames[j]) == toLowerCase(saved)) {
			close("*"); // neither image is left behind
			exit("Convolve 2D: '" + name + "' would be saved as " + saved + ", as '" + savedFrom[j] + "' was; rename"
				+ " one of them, then run again. The run stopped there");
		}
	// whole or not at all, as the batch command writes (ImageJ's saveAs writes in place: a full disk left part of a
	// file, and its error, a dialog that hangs -batch, did not stop the run)
	error = call("io.github.convolve2d.imagej.WholeTiff.saveCurrentImage", output + saved);
	if (error != "") {
		close("*");
		exit("Convolve 2D: " + error + "; the run stopped there");
	}
	savedNames = Array.concat(savedNames, saved);
	savedFrom = Array.concat(savedFrom, name);
	close("*");
	done++;
}
images = " images";
if (done == 1) images = " image";
print("Convolve 2D: " + done + images + " convolved into " + output);

// Makes a folder and the folders above it that are missing, as the batch command makes its output folder.
function makeFolder(path) {
	if (File.isDirectory(path) || File.exists(path)) return;
	parent = File.getParent(path);
	if (parent != "" && parent != path) makeFolder(parent);
	File.makeDirectory(path);
}

// A name safe in any file system and shell: letters, digits, '.', '-' and '_' only.
function fileName(text) {
	text = replace(text, fromCharCode(963), "sigma");
	return replace(text, "[^A-Za-z0-9._-]+", "-");
}

// The text between "key=[" and its matching "]" (brackets may nest), or "" when the key is absent.
function value(text, key) {
	start = indexOf(text, key + "=[");
	if (start < 0) return "";
	start = start + lengthOf(key) + 2;
	depth = 1;
	for (j = start; j < lengthOf(text); j++) {
		c = substring(text, j, j + 1);
		if (c == "[") depth++;
		if (c == "]") depth--;
		if (depth == 0) return substring(text, start, j);
	}
	return "";
}
