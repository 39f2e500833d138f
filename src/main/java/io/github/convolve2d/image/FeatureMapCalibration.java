package io.github.convolve2d.image;

import ij.measure.Calibration;
import io.github.convolve2d.core.ConvolutionGeometry;

/**
 * The spatial calibration of a feature map: the source's units and pixel size, the pixel size multiplied by the
 * stride, and the origin moved so that each output pixel lies over the input pixel its kernel is centred on, by
 * the rule of {@link ConvolutionGeometry#outputPixelWidth} and {@link ConvolutionGeometry#outputOriginX}, which
 * the blockwise OME-Zarr outputs follow too; on an image whose y axis points up (ImageJ's invertY) from the
 * bottom row (y origin 0), that row is the origin moved.
 * The value calibration's function is dropped (the values were read through it: feature maps are plain 32-bit
 * values) and its unit kept, as Image › Type › 32-bit does.
 */
final class FeatureMapCalibration {

	private FeatureMapCalibration() {
	}

	/** The calibration of the feature maps of {@code source} computed with {@code geometry} (the region's). */
	static Calibration of(Calibration source, ConvolutionGeometry geometry) {
		Calibration cal = source.copy();
		cal.disableDensityCalibration();
		cal.setValueUnit(source.getValueUnit());
		cal.pixelWidth = geometry.outputPixelWidth(source.pixelWidth);
		cal.pixelHeight = geometry.outputPixelHeight(source.pixelHeight);
		cal.xOrigin = geometry.outputOriginX(source.xOrigin);
		// an inverted y axis (ImageJ's invertY) with origin 0 counts from the bottom row: that row is its origin
		boolean fromBottom = source.getInvertY() && source.yOrigin == 0;
		cal.yOrigin = geometry.outputOriginY(fromBottom ? geometry.imageHeight() - 1 : source.yOrigin);
		return cal;
	}
}
