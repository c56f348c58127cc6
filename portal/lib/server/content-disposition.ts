// The portal's downloads and the REST API's name a file the same way (shared/files/content-disposition.ts).
export { attachment } from '$shared/files/content-disposition.ts';
