// Real footage the video tests read: OpenCV's vtest.avi (Debian package opencv-doc), a fixed street camera.
export const VTEST_PATH = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
