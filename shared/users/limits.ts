export const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const maxNameLength = 200;
/** argon2 takes any length; a bound keeps a megabyte "password" from costing anything. */
export const maxPasswordLength = 256;
