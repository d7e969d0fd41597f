const path = require('path');
const { task, src, dest } = require('gulp');

// tsc emits only JavaScript; n8n loads icons and each node's codex file (`*.node.json`, its
// categories and links) from dist/, beside the code.
function copyIcons() {
	const nodeFiles = path.resolve('nodes', '**', '*.{png,svg,node.json}');
	const credentialIcons = path.resolve('credentials', '**', '*.{png,svg}');

	return src([nodeFiles, credentialIcons], { base: '.', encoding: false }).pipe(dest('dist'));
}

task('build:icons', copyIcons);
