package io.github.convolve2d.image;

import ij.measure.Calibration;
import io.github.convolve2d.core.ConvolutionOptions;

/**
 * The spatial calibration of a feature map: the source's units and pixel size, the pixel size multiplied by the
 * stride, and the origin moved so that each output pixel lies over the input pixel its kernel is centred on.
 * Density calibration is dropped (feature maps are plain 32-bit values).
 */
final class FeatureMapCalibration {

	private FeatureMapCalibration() {
	}

	/**
	 * @param inputX0 input column under output column 0 ({@code ConvolutionGeometry.originX()} of the region)
	 * @param inputY0 input row under output row 0
	 */
	static Calibration of(Calibration source, double inputX0, double inputY0, ConvolutionOptions o) {
		Calibration cal = source.copy();
		cal.disableDensityCalibration();
		cal.pixelWidth = source.pixelWidth * o.strideX();
		cal.pixelHeight = source.pixelHeight * o.strideY();
		cal.xOrigin = (source.xOrigin - inputX0) / o.strideX();
		cal.yOrigin = (source.yOrigin - inputY0) / o.strideY();
		return cal;
	}
}
